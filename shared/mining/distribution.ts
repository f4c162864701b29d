// One day's distribution, computed identically by every node from the ledger alone: the
// day's phase-1 emission plus the fee pool is split in proportion to each active account's
// weight, with floor division; what rounding leaves stays in the fee pool for the next day.
import { fail } from '../util/errors.ts'
import type { DayInputs } from './day-inputs.ts'
import { dayEmission } from './emission.ts'
import { validateMiningParams, type MiningParams } from './params.ts'
import { type IndexedDay, indexDay } from './trust-graph.ts'
import { computeTrustScores } from './trust-score.ts'
import { nodeWeightOf, type WeightParts, weightOf } from './weights.ts'

export interface RewardEntry {
  readonly account: string
  /** Trust-graph score and the trust it gives, ppm. */
  readonly score: number
  readonly trust: number
  /** A seed or in a trusted account's circle: the trust floor applies. */
  readonly vouched: boolean
  readonly circleActive: number
  readonly referralsActive: number
  /** Weight in units of PPM = one fully trusted account with no bonus. */
  readonly weight: number
  /** total = base + circle + referral + node + fee, base units. */
  readonly total: bigint
  readonly base: bigint
  readonly circle: bigint
  readonly referral: bigint
  readonly node: bigint
  readonly fee: bigint
}

export interface DayDistribution {
  readonly day: number
  /** Taken from the phase-1 pool (0 when nobody had weight: the slice waits for a later day). */
  readonly emission: bigint
  readonly feePool: bigint
  readonly distributed: bigint
  /** emission + feePool - distributed: becomes the next fee pool. */
  readonly remainder: bigint
  readonly phase1RemainingAfter: bigint
  readonly totalWeight: bigint
  readonly steps: number
  /** Accounts with weight > 0: those that checked in, then validators that did not, in input order. */
  readonly rewards: readonly RewardEntry[]
}

/** Splits an account's emission share over its weight parts by cumulative floors (exact sum). */
const splitParts = (amount: bigint, w: WeightParts) => {
  const total = BigInt(w.total)
  let prev = 0n
  let cum = 0
  const next = (part: number): bigint => {
    cum += part
    const upTo = (amount * BigInt(cum)) / total
    const out = upTo - prev
    prev = upTo
    return out
  }
  return { base: next(w.base), circle: next(w.circle), referral: next(w.referral), node: next(w.node) }
}

/**
 * Per account: active circle members, active invitees, and `vouched`: a seed, or in the circle of
 * an account whose score passes the threshold (whether or not that one checked in).
 */
const countActive = (day: IndexedDay, score: Uint32Array, checkedIn: Uint8Array, params: MiningParams) => {
  const { graph } = day
  const n = graph.n
  const countsActive = (v: number) => checkedIn[v] === 1 && score[v]! >= params.scoreThresholdPpm
  const circleActive = new Uint32Array(n)
  const vouched = new Uint8Array(n)
  for (const s of day.seeds) vouched[s] = 1
  for (let u = 0; u < n; u++) {
    const trusted = score[u]! >= params.scoreThresholdPpm
    for (let e = graph.outStart[u]!; e < graph.outStart[u + 1]!; e++) {
      if (countsActive(graph.outTo[e]!)) circleActive[u]!++
      if (trusted) vouched[graph.outTo[e]!] = 1
    }
  }
  const referralsActive = new Uint32Array(n)
  const invited = new Uint8Array(n)
  for (let i = 0; i < day.invites.length; i += 2) {
    const a = day.invites[i]!
    const amb = day.invites[i + 1]!
    if (invited[a] || a === amb) continue
    invited[a] = 1
    if (countsActive(a)) referralsActive[amb]!++
  }
  return { circleActive, referralsActive, vouched }
}

export const computeDayDistribution = (inputs: DayInputs, params: MiningParams): DayDistribution => {
  const checked = validateMiningParams(params)
  if (!checked.ok) fail(checked.error.code, checked.error)
  if (inputs.feePool < 0n || inputs.phase1Remaining < 0n) fail('mining/bad-day-inputs', { field: 'pools' })
  const day = indexDay(inputs, params.circleMax)
  const scores = computeTrustScores(day.graph, day.seeds, params)
  const n = day.graph.n
  const checkedIn = new Uint8Array(n)
  for (const a of day.checkedIn) checkedIn[a] = 1
  const { circleActive, referralsActive, vouched } = countActive(day, scores.score, checkedIn, params)
  const nodeWeight = new Float64Array(n)
  const nodeSeen = new Uint8Array(n)
  inputs.validators.forEach((v, i) => {
    const a = day.validators[i]!
    if (nodeSeen[a]) return
    nodeSeen[a] = 1
    nodeWeight[a] = nodeWeightOf(v.signed, inputs.ledgersInDay, params)
  })

  const hold = new Set(inputs.holdCheckIns ?? [])
  const weighted: { id: number; w: WeightParts }[] = []
  let totalWeight = 0n
  for (let v = 0; v < n; v++) {
    if (!checkedIn[v] && nodeWeight[v] === 0) continue
    const w = weightOf(
      {
        checkedIn: checkedIn[v] === 1,
        score: scores.score[v]!,
        vouched: vouched[v] === 1,
        circleActive: circleActive[v]!,
        referralsActive: referralsActive[v]!,
        presencePpm: hold.has(day.names[v]!) ? params.holdWeightPpm : params.passkeyWeightPpm,
      },
      nodeWeight[v]!,
      params,
    )
    if (w.total === 0) continue
    weighted.push({ id: v, w })
    totalWeight += BigInt(w.total)
  }

  const emission = totalWeight > 0n ? dayEmission(inputs.day, inputs.phase1Remaining, params) : 0n
  const feePool = inputs.feePool
  let distributed = 0n
  const rewards: RewardEntry[] = []
  for (const { id, w } of weighted) {
    const wt = BigInt(w.total)
    const fromEmission = (emission * wt) / totalWeight
    const fee = (feePool * wt) / totalWeight
    const parts = splitParts(fromEmission, w)
    const total = fromEmission + fee
    distributed += total
    rewards.push({
      account: day.names[id]!,
      score: scores.score[id]!,
      trust: w.trust,
      vouched: vouched[id] === 1,
      circleActive: circleActive[id]!,
      referralsActive: referralsActive[id]!,
      weight: w.total,
      total,
      ...parts,
      fee,
    })
  }
  return {
    day: inputs.day,
    emission,
    feePool,
    distributed,
    remainder: emission + feePool - distributed,
    phase1RemainingAfter: inputs.phase1Remaining - emission,
    totalWeight,
    steps: scores.steps,
    rewards,
  }
}
