// The subsystems the node core runs, in start order. A later service may look up an earlier
// one by name through `ServiceComponents.services`.
import { dayExportService } from '../node/day-export-service.ts'
import { ledgerService } from '../node/ledger-service.ts'
import type { ServiceFactory } from './service.ts'
import { walletService } from '../wallet/service.ts'
import { miningService } from '../mining/service.ts'
import { storageService } from '../storage/service.ts'

// dayExport right after ledger: it must see the node's first closes to record its first day.
export const SERVICES: ServiceFactory[] = [
  ledgerService,
  dayExportService,
  walletService,
  miningService,
  storageService,
]
