// One mining-day measurement, run the same way in Node and in a browser worker: synthetic day
// inputs (3-5 circle edges per account, 80% checked in, 20%
// invited, 20 validators, seeded), then the fastest of `reps` timed computeDayDistribution calls.
import { computeDayDistribution } from '../../shared/mining/distribution.ts'
import { defaultMiningParams } from '../../shared/mining/params.ts'
import { syntheticDay } from '../../shared/mining/synthetic-day.ts'
import { createRng } from '../../shared/util/prng.ts'

export interface DayTiming {
  readonly accounts: number
  readonly edges: number
  readonly checkedIn: number
  readonly rewarded: number
  readonly walkSteps: number
  readonly msMin: number
  readonly msAll: readonly number[]
}

export const timeMiningDay = (accounts: number, reps: number): DayTiming => {
  const inputs = syntheticDay(createRng(42), {
    accounts,
    checkInPpm: 800_000,
    invitePpm: 200_000,
    validators: 20,
    feePool: 123_456_789n,
    phase1Remaining: defaultMiningParams.phase1Pool,
  })
  const ms: number[] = []
  let rewarded = 0
  let walkSteps = 0
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    const d = computeDayDistribution(inputs, defaultMiningParams)
    ms.push(Math.round(performance.now() - t0))
    rewarded = d.rewards.length
    walkSteps = d.steps
  }
  const edges = inputs.circles.reduce((n, c) => n + c.members.length, 0)
  return {
    accounts,
    edges,
    checkedIn: inputs.checkedIn.length,
    rewarded,
    walkSteps,
    msMin: Math.min(...ms),
    msAll: ms,
  }
}
