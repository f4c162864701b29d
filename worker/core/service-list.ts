// The subsystems the node core runs, in start order. A later service may look up an earlier
// one by name through `ServiceComponents.services`.
import type { ServiceFactory } from './service.ts'

export const SERVICES: ServiceFactory[] = []
