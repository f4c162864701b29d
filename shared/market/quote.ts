// What a deal would cost before the client signs it: the cheapest standing asks that take the
// piece (size, duration, capacity left, free collateral for the replica), one replica per
// provider, never the client itself; each replica's price and the sum, with the ledger's own
// arithmetic (pricing.ts), so the quote is what publishDeal locks: the price in escrow plus the
// client collateral on it (refunded at the end of each replica unless its provider rejects it).
import type { LedgerState } from '../ledger/state.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { marketModule } from './module.ts'
import { clientCollateralOf, collateralFor, termPrice } from './pricing.ts'
import type { AskView } from './readers.ts'

const R = marketModule.readers

export interface QuoteRequest {
  readonly size: number
  readonly periods: number
  readonly replicas: number
  readonly client: string
  /** Providers not to take (those already holding a copy, when a lost replica is replaced). */
  readonly exclude?: readonly string[]
  /** Nominal ms of a proving period and of a day (the genesis close interval and day length). */
  readonly periodMs: number
  readonly dayMs: number
}

export interface QuotedReplica {
  readonly provider: string
  readonly peer: string
  readonly total: bigint
  readonly clientCollateral: bigint
}

export interface Quote {
  readonly replicas: readonly QuotedReplica[]
  /** The price: the sum of the replicas' terms. */
  readonly total: bigint
  /** The client collateral locked beside it (the sum of the replicas'). */
  readonly clientCollateral: bigint
}

export type QuoteCode = 'bad_deal' | 'not_enough_providers'

const cheapestFirst = (x: AskView, y: AskView) =>
  x.price !== y.price
    ? x.price < y.price
      ? -1
      : 1
    : x.provider < y.provider
      ? -1
      : x.provider > y.provider
        ? 1
        : 0

const takes = (state: LedgerState, a: AskView, r: QuoteRequest): boolean => {
  if (a.provider === r.client || r.exclude?.includes(a.provider)) return false
  if (r.size < a.minSize || r.size > a.maxSize) return false
  if (r.periods < a.minPeriods || r.periods > a.maxPeriods) return false
  const acct = R.provider(state, a.provider)
  return acct.used + r.size <= a.capacity && acct.free >= collateralFor(a.collateral, r.size)
}

export const quoteDeal = (state: LedgerState, r: QuoteRequest): Result<Quote, WattError<QuoteCode>> => {
  const p = R.params(state)
  if (r.size < 1 || r.size > p.maxSectorSize)
    return err(wattError('bad_deal', { reason: 'size', max: p.maxSectorSize }))
  if (r.periods < 1 || r.periods > p.maxDealPeriods) return err(wattError('bad_deal', { reason: 'periods' }))
  if (r.replicas < 1 || r.replicas > p.maxReplicas)
    return err(wattError('bad_deal', { reason: 'replicas', max: p.maxReplicas }))
  const asks = R.asks(state)
    .filter((a) => takes(state, a, r))
    .sort(cheapestFirst)
    .slice(0, r.replicas)
  if (asks.length < r.replicas)
    return err(wattError('not_enough_providers', { wanted: r.replicas, available: asks.length }))
  const replicas = asks.map((a) => {
    const total = termPrice(a.price, r.size, r.periods, r.periodMs, r.dayMs)
    return { provider: a.provider, peer: a.peer, total, clientCollateral: clientCollateralOf(p, total) }
  })
  const sum = (f: (x: QuotedReplica) => bigint) => replicas.reduce((s, x) => s + f(x), 0n)
  return ok({ replicas, total: sum((x) => x.total), clientCollateral: sum((x) => x.clientCollateral) })
}
