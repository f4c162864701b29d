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
  for (const r of d.rewards) {
    if (!r.account.startsWith('s')) continue
    sybilPaid += r.total
    scoreSum += r.score
    if (r.score >= params.scoreThresholdPpm) trusted++
  }
  return {
    sharePpm: d.distributed > 0n ? Number((sybilPaid * 1_000_000n) / d.distributed) : 0,
    scoreMass: scoreSum / 1_000_000,
    trustedSybils: trusted,
  }
}
