// The core protocol: the operations every WATT network has. Modules build theirs on top:
// createProtocol({ operations: [...coreOperations, ...mine], closeSteps: [...] }).
import { createAccount, payment } from './payment.ts'
import { type AnyOpHandler, createProtocol, type Protocol } from './registry.ts'

export const coreOperations: readonly AnyOpHandler[] = [createAccount, payment]

export const coreProtocol: Protocol = createProtocol({ operations: coreOperations })
