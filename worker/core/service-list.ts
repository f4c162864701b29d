// The subsystems the node core runs, in start order. A later service may look up an earlier
// one by name through `ServiceComponents.services`.
import { ledgerService } from '../node/ledger-service.ts'
import type { ServiceFactory } from './service.ts'
import { walletService } from '../wallet/service.ts'
import { miningService } from '../mining/service.ts'
import { storageService } from '../storage/service.ts'

export const SERVICES: ServiceFactory[] = [ledgerService, walletService, miningService, storageService]
