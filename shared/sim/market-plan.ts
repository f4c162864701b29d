// What a simulated storage market is made of, decided from the seed before the run: the market's
// genesis parameters (the smallest sectors and the cheapest seal the parameters allow, so real
// seal and window proofs cost milliseconds), the providers and what each does (honest, crashes for
// a while, goes silent for good, lies), the deals (two replicas each, every faulty provider next to
// an honest one) and their pieces, and a bidding client's two bids: one only the honest providers'
// asks can match (faulty providers take no term that short), one below every ask (it expires).
// market-workload.ts plays it.
import type { MarketParams } from '../market/params.ts'
import { marketParams } from '../market/params.ts'
import { SMALL_MARKET } from '../market/test/small-market.ts'
import type { Rng } from '../util/prng.ts'

/** How a simulated provider behaves (docs/simulator.md, "Market workload"). */
export type ProviderRole = 'honest' | 'crash' | 'silent' | 'liar'
export const PROVIDER_ROLES: readonly ProviderRole[] = ['honest', 'crash', 'silent', 'liar']

export interface MarketPlan {
  /** One entry per provider; at least one must be honest. */
  readonly providers: readonly ProviderRole[]
  /** Proving periods every deal lasts. */
  readonly periods: number
}

/** Two honest providers next to a crashing, a silent and a lying one. */
export const MIXED_MARKET: MarketPlan = {
  providers: ['honest', 'honest', 'crash', 'silent', 'liar'],
  periods: 3,
}

/**
 * The market tests' small parameters with one sector size and periods of 8 ledgers in 2 windows of
 * 4: a proof has 4 ledgers to land through SCP. Their 4 seal challenges make a seal proof made for
 * another seed verify with odds near (4/64)^4, where 1 challenge gave 1 in 64.
 */
const SIM_MARKET_JSON = {
  ...SMALL_MARKET,
  maxSectorSize: 2048,
  postChallenges: 2,
  provingPeriodLedgers: 8,
  windowLedgers: 4,
}

const parsed = marketParams.parse(SIM_MARKET_JSON)
if (!parsed.ok) throw new TypeError(`SIM_MARKET: ${parsed.error.code}`)
/** The market's genesis parameters in a simulated market. */
export const SIM_MARKET: MarketParams = parsed.value

const GIB = 1n << 30n
/** Every provider's ask: 10 units per byte per day, 1000 units of collateral per byte. */
export const SIM_ASK = { price: 10n * GIB, collateral: 1000n * GIB, capacity: 1 << 20 }

export interface PlannedDeal {
  /** Indexes into the plan's providers. */
  readonly providers: readonly [number, number]
  readonly client: number
  readonly piece: Uint8Array
}

/** The deals: each non-honest provider next to an honest one, and one deal of two honest ones. */
export const planDeals = (plan: MarketPlan, rng: Rng): PlannedDeal[] => {
  const honest = plan.providers.flatMap((r, i) => (r === 'honest' ? [i] : []))
  if (honest.length === 0) throw new RangeError('a market plan needs an honest provider')
  const pairs: [number, number][] = plan.providers.flatMap((r, i): [number, number][] =>
    r === 'honest' ? [] : [[honest[i % honest.length]!, i]],
  )
  if (honest.length >= 2) pairs.push([honest[0]!, honest[1]!])
  return pairs.map((providers, j) => ({
    providers,
    client: j % 2,
    piece: rng.bytes(1 + rng.int(SIM_MARKET.maxSectorSize)),
  }))
}

/** When a crashing or silent provider stops: at the opening of its window `window`, for `ledgers`. */
export interface Outage {
  readonly window: number
  readonly ledgers: number
}

/**
 * A crash starts at a window's opening and lasts past its deadline, never into the next window
 * (one window missed, fewer than maxConsecutiveFaults); silence starts where the term still has
 * maxConsecutiveFaults windows to miss, and never ends.
 */
export const planOutage = (role: ProviderRole, plan: MarketPlan, rng: Rng): Outage | undefined => {
  const p = SIM_MARKET
  if (role === 'crash')
    return {
      window: rng.int(plan.periods),
      ledgers: p.windowLedgers + rng.int(p.provingPeriodLedgers - p.windowLedgers + 1),
    }
  if (role === 'silent')
    return {
      window: rng.int(Math.max(1, plan.periods - p.maxConsecutiveFaults + 1)),
      ledgers: Number.POSITIVE_INFINITY,
    }
  return undefined
}

export interface PlannedBid {
  readonly piece: Uint8Array
  readonly replicas: number
  readonly periods: number
  readonly maxPrice: bigint
  /** Whether the close step can match it: at the asks' price, or one unit below every ask. */
  readonly matchable: boolean
}

/**
 * The shortest term a provider of `role` takes: one period for honest ones, the plan's whole term
 * for the rest, so a bid for a shorter term is matched with honest providers only and the roles'
 * expected ends (market-scenario.test.ts) stay what their outages make them.
 */
export const minPeriodsOf = (role: ProviderRole, plan: MarketPlan): number =>
  role === 'honest' ? 1 : plan.periods

/** A bid for two honest providers at the asks' price, and one below every ask. */
export const planBids = (plan: MarketPlan, rng: Rng): PlannedBid[] => {
  if (plan.periods < 2) throw new RangeError('a market plan with bids needs a term of 2 periods or more')
  const honest = plan.providers.filter((r) => r === 'honest').length
  const piece = () => rng.bytes(1 + rng.int(SIM_MARKET.maxSectorSize))
  const periods = plan.periods - 1
  return [
    { piece: piece(), replicas: Math.min(2, honest), periods, maxPrice: SIM_ASK.price, matchable: true },
    { piece: piece(), replicas: 1, periods, maxPrice: SIM_ASK.price - 1n, matchable: false },
  ]
}
