// The market service's factory for the node core. Transactions are signed with the wallet's
// account key (the wallet service's vault: a locked wallet signs nothing, and the market answers
// `wallet_locked`); sequence numbers come from the ledger service, which sees the mempool. Deal
// sectors and the client's blocks live in the storage service's proof workers and database.
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageService } from '../storage/storage-service.ts'
import type { WalletService } from '../wallet/wallet-service.ts'
import type { MarketEvents, MarketMethods } from './market-api.ts'
import { createMarketService } from './market-service.ts'

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
    net: {
      request: (peer, protocol, data) => c.core.request(peer, protocol, data),
      handle: (protocol, handler) => c.core.handle(protocol, handler),
    },
  })
