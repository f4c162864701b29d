// What the Storage screen shows of the market, from the last closed ledger: the standing asks
// (the price a client would pay), this wallet's provider account and ask, the network's limits,
// and the market transactions this node signed. Amounts are base units as decimal text.
import type { Address } from '../../shared/crypto/address.ts'
import { getAccount, type LedgerState } from '../../shared/ledger/index.ts'
import { marketModule } from '../../shared/market/module.ts'
import type { AskView } from '../../shared/market/readers.ts'
import type { TxView } from '../node/account-txs.ts'
import type { DealRow } from './deal-rows.ts'

export type MarketTxKind =
  | 'postAsk'
  | 'publishDeal'
  | 'rejectDeal'
  | 'preCommit'
  | 'proveCommit'
  | 'windowPost'
  | 'offerHandOver'
  | 'takeOver'
  | 'postBid'

export interface AskRow {
  readonly provider: string
  readonly price: string
  readonly collateral: string
  readonly capacity: number
  readonly minSize: number
  readonly maxSize: number
  readonly minPeriods: number
  readonly maxPeriods: number
  /** The provider node's peer id (where a client sends the deal's data). */
  readonly peer: string
}

export interface ProviderRow {
  readonly free: string
  readonly used: number
  readonly proven: number
  readonly faults: number
  readonly earned: string
  readonly slashed: string
  readonly ask: AskRow | undefined
}

export interface MarketView {
  readonly ready: boolean
  readonly address: string | undefined
  readonly balance: string
  /** The standing asks, cheapest first (then by provider). */
  readonly asks: readonly AskRow[]
  readonly provider: ProviderRow | undefined
  readonly limits: {
    readonly maxSectorSize: number
    readonly maxDealPeriods: number
    readonly maxReplicas: number
    readonly periodMs: number
    readonly dayMs: number
  }
  readonly txs: readonly TxView<MarketTxKind>[]
  /** This wallet's files on the network, a row per replica, newest first. */
  readonly deals: readonly DealRow[]
  /** The replicas this wallet's provider account holds, newest first. */
  readonly providerDeals: readonly DealRow[]
  /** The provider's next window deadline: a closed tab faults there. */
  readonly nextDeadline: { readonly ledger: number; readonly inMs: number } | undefined
}

export const NOT_READY: MarketView = {
  ready: false,
  address: undefined,
  balance: '0',
  asks: [],
  provider: undefined,
  limits: { maxSectorSize: 0, maxDealPeriods: 0, maxReplicas: 0, periodMs: 0, dayMs: 0 },
  txs: [],
  deals: [],
  providerDeals: [],
  nextDeadline: undefined,
}

const askRow = (a: AskView): AskRow => ({
  provider: a.provider,
  price: String(a.price),
  collateral: String(a.collateral),
  capacity: a.capacity,
  minSize: a.minSize,
  maxSize: a.maxSize,
  minPeriods: a.minPeriods,
  maxPeriods: a.maxPeriods,
  peer: a.peer,
})

const cheapestFirst = (x: AskRow, y: AskRow) => {
  const d = BigInt(x.price) - BigInt(y.price)
  return d !== 0n ? (d < 0n ? -1 : 1) : x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : 0
}

export const buildMarketView = (o: {
  state: LedgerState
  closeIntervalMs: number
  dayMs: number
  me: Address | undefined
  txs: readonly TxView<MarketTxKind>[]
  deals: readonly DealRow[]
  providerDeals: readonly DealRow[]
  nextDeadline: number | undefined
}): MarketView => {
  const R = marketModule.readers
  const params = R.params(o.state)
  const asks = R.asks(o.state).map(askRow).sort(cheapestFirst)
  const p = o.me ? R.provider(o.state, o.me) : undefined
  return {
    ready: true,
    address: o.me,
    balance: String((o.me && getAccount(o.state, o.me)?.balance) ?? 0n),
    asks,
    provider: p && {
      free: String(p.free),
      used: p.used,
      proven: p.proven,
      faults: p.faults,
      earned: String(p.earned),
      slashed: String(p.slashed),
      ask: p.ask && askRow({ ...p.ask, provider: o.me! }),
    },
    limits: {
      maxSectorSize: params.maxSectorSize,
      maxDealPeriods: params.maxDealPeriods,
      maxReplicas: params.maxReplicas,
      periodMs: params.provingPeriodLedgers * o.closeIntervalMs,
      dayMs: o.dayMs,
    },
    txs: o.txs,
    deals: o.deals,
    providerDeals: o.providerDeals,
    nextDeadline:
      o.nextDeadline === undefined
        ? undefined
        : { ledger: o.nextDeadline, inMs: (o.nextDeadline - o.state.header.seq) * o.closeIntervalMs },
  }
}
