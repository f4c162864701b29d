// The Sybil experiment: an honest region of random circles plus a Sybil region whose circles
// only name each other, joined by k attack edges (honest accounts that put a Sybil in their
// circle). Everyone checks in; the experiment measures what the Sybil region receives.
import { createRng } from '../util/prng.ts'
import type { CircleInput, DayInputs } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import type { MiningParams } from './params.ts'
import { pickCircle } from './synthetic-day.ts'

export interface SybilSetup {
  readonly seed: number
  readonly honest: number
  readonly sybils: number
  readonly attackEdges: number
  /** Seeds are the first `seeds` honest accounts. */
  readonly seeds: number
}

export interface SybilOutcome {
  /** Sybil region's share of the distributed amount, ppm. */
  readonly sharePpm: number
  /** Sum of the Sybil region's scores, in accounts (PPM = one fully trusted account). */
  readonly scoreMass: number
  /** Sybil accounts whose score passes the activity threshold. */
  readonly trustedSybils: number
  /** Sybil accounts paid the trust floor (in a trusted account's circle). */
  readonly vouchedSybils: number
}

export const sybilDay = (s: SybilSetup): DayInputs => {
  const rng = createRng(s.seed)
  const h = (i: number) => `h${i}`
  const y = (i: number) => `s${i}`
  const circles: CircleInput[] = []
  for (let i = 0; i < s.honest; i++)
    circles.push({ account: h(i), members: pickCircle(rng, i, 0, s.honest).map(h) })
  for (let i = 0; i < s.sybils; i++)
    circles.push({ account: y(i), members: pickCircle(rng, i, 0, s.sybils).map(y) })
  const attackers = new Set<number>()
  while (attackers.size < Math.min(s.attackEdges, s.honest)) attackers.add(rng.int(s.honest))
  for (const a of attackers) {
    const c = circles[a]!
    circles[a] = { account: c.account, members: [...c.members.slice(0, -1), y(rng.int(s.sybils))] }
  }
  const all = circles.map((c) => c.account)
  return {
    day: 0,
    checkedIn: all,
    circles,
    invites: [],
    validators: [],
    ledgersInDay: 0,
    seeds: all.slice(0, s.seeds),
    feePool: 0n,
    phase1Remaining: 10n ** 15n,
  }
}

export const runSybilExperiment = (s: SybilSetup, params: MiningParams): SybilOutcome => {
  const d = computeDayDistribution(sybilDay(s), params)
  let sybilPaid = 0n
  let scoreSum = 0
  let trusted = 0
  let vouched = 0
  for (const r of d.rewards) {
    if (!r.account.startsWith('s')) continue
    sybilPaid += r.total
    scoreSum += r.score
    if (r.score >= params.scoreThresholdPpm) trusted++
    if (r.vouched) vouched++
  }
  return {
    sharePpm: d.distributed > 0n ? Number((sybilPaid * 1_000_000n) / d.distributed) : 0,
    scoreMass: scoreSum / 1_000_000,
    trustedSybils: trusted,
    vouchedSybils: vouched,
  }
}

export interface SybilRow {
  readonly attackEdges: number
  readonly sybils: number
  /** Means over the seeds. */
  readonly sharePct: number
  readonly scoreMass: number
  readonly trustedSybils: number
  readonly vouchedSybils: number
  readonly runs: readonly SybilOutcome[]
}

/** One row of the Sybil table: `honest` honest accounts (10 seeds), means over `seeds`. */
export const sybilRow = (
  o: { honest: number; sybils: number; attackEdges: number; seeds: readonly number[] },
  params: MiningParams,
): SybilRow => {
  const runs = o.seeds.map((seed) =>
    runSybilExperiment(
      { seed, honest: o.honest, sybils: o.sybils, attackEdges: o.attackEdges, seeds: 10 },
      params,
    ),
  )
  const mean = (f: (r: SybilOutcome) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length
  return {
    attackEdges: o.attackEdges,
    sybils: o.sybils,
    sharePct: mean((r) => r.sharePpm) / 10_000,
    scoreMass: mean((r) => r.scoreMass),
    trustedSybils: mean((r) => r.trustedSybils),
    vouchedSybils: mean((r) => r.vouchedSybils),
    runs,
  }
}
