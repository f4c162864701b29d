// The mining service's factory for the node core: it signs with the wallet service's account key.
import type { ServiceFactory } from '../core/service.ts'
import { walletAccountKey } from './account-key.ts'
import { createMiningService } from './mining-service.ts'

export const miningService: ServiceFactory = (c) =>
  createMiningService(c, { key: walletAccountKey(c.services) })
