// The market service's factory for the node core. Asks are signed with the wallet's account key
// (the wallet service's vault: a locked wallet signs nothing, and the market answers
// `wallet_locked`); sequence numbers come from the ledger service, which sees the mempool.
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { WalletService } from '../wallet/wallet-service.ts'
import type { MarketEvents, MarketMethods } from './market-api.ts'
import { createMarketService } from './market-service.ts'

export const marketService = (
  c: ServiceComponents<{ ledger: LedgerNodeApi; wallet: WalletService }, MarketMethods, MarketEvents>,
) => createMarketService(c, { key: c.services.wallet.accountKey, peer: c.identity.peerId })
