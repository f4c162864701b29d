// The market's transactions from this wallet (asks, deals, pre-commits, seal-proof parts, window
// proofs): signed with the wallet's account key, submitted to the ledger service, followed until
// a closed ledger applies, rejects or drops them (worker/wallet/wallet-txs.ts, one
// queue, so sequence numbers never race).
import { createWalletTxs } from '../wallet/wallet-txs.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { MarketTxKind } from './market-view.ts'

/** Market transactions followed at once (a provider posting a seal proof has a dozen in flight). */
const MAX_TXS = 24

export const createMarketTxs = (o: { ledger: () => LedgerNodeApi; key: AccountKey; now: () => number }) =>
  createWalletTxs<MarketTxKind>(o, MAX_TXS)

export type MarketTxs = ReturnType<typeof createMarketTxs>
