// The market service's factory for the node core. Transactions are signed with the wallet's
// account key (the wallet service's vault: a locked wallet signs nothing, and the market answers
// `wallet_locked`); sequence numbers come from the ledger service, which sees the mempool. Deal
// sectors and the client's blocks live in the storage service's proof workers and database.
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageService } from '../storage/storage-service.ts'
import type { WalletService } from '../wallet/wallet-service.ts'
import type { PushPiece } from './client-deals.ts'
import type { MarketEvents, MarketMethods } from './market-api.ts'
import { createMarketService } from './market-service.ts'

/** Until the deal-data protocol is wired in, a push says so (the client retries it later). */
const noTransfer: PushPiece = async () => ({ ok: false, error: { code: 'transfer_unavailable' } })

export const marketService = (
  c: ServiceComponents<
    { ledger: LedgerNodeApi; wallet: WalletService; storage: StorageService },
    MarketMethods,
    MarketEvents
  >,
) =>
  createMarketService(c, {
    key: c.services.wallet.accountKey,
    peer: c.identity.peerId,
    storage: c.services.storage.deals,
    transfer: { push: noTransfer, serve: () => {} },
  })
