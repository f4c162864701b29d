// The worked example of docs/mining.md, checked number by number.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DayInputs } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import { defaultMiningParams, type MiningParams } from './params.ts'
import { indexDay } from './trust-graph.ts'
import { computeTrustScores } from './trust-score.ts'

const params: MiningParams = { ...defaultMiningParams, phase1Pool: 10_000n, phase1Days: 3 }

export const exampleDay: DayInputs = {
  day: 0,
  checkedIn: ['V', 'A', 'B', 'C', 'D'],
  circles: [
    { account: 'V', members: ['A', 'B', 'C'] },
    { account: 'A', members: ['B', 'C', 'V'] },
    { account: 'B', members: ['A', 'C', 'V'] },
    { account: 'C', members: ['A', 'B', 'V'] },
    { account: 'E', members: ['A', 'B', 'C'] },
  ],
  invites: [
    { account: 'B', ambassador: 'A' },
    { account: 'D', ambassador: 'A' },
  ],
  validators: [{ account: 'V', signed: 8 }],
  ledgersInDay: 10,
  seeds: ['V'],
  feePool: 500n,
  phase1Remaining: 10_000n,
}

test('trust walk of the example: 3 steps from V, exact masses', () => {
  const day = indexDay(exampleDay, 5)
  assert.deepEqual(day.names, ['V', 'A', 'B', 'C', 'D', 'E'])
  const s = computeTrustScores(day.graph, day.seeds, params)
  assert.equal(s.steps, 3)
  assert.deepEqual([...s.mass], [954437176, 1113510040, 1113510040, 1113510040, 0, 0])
  assert.equal(s.reference, 139188755)
  assert.deepEqual([...s.score], [1e6, 1e6, 1e6, 1e6, 0, 0])
})

test('distribution of the example, to the unit', () => {
  const d = computeDayDistribution(exampleDay, params)
  assert.equal(d.emission, 3333n)
  assert.equal(d.totalWeight, 8_400_000n)
  assert.equal(d.distributed, 3829n)
  assert.equal(d.remainder, 4n)
  assert.equal(d.phase1RemainingAfter, 6667n)
  const row = (a: string) => {
    const r = d.rewards.find((x) => x.account === a)!
    return [r.weight, r.base, r.circle, r.referral, r.node, r.fee, r.total]
  }
  assert.deepEqual(row('V'), [3_200_000, 396n, 238n, 0n, 635n, 190n, 1459n])
  assert.deepEqual(row('A'), [2_000_000, 396n, 238n, 159n, 0n, 119n, 912n])
  assert.deepEqual(row('B'), [1_600_000, 396n, 238n, 0n, 0n, 95n, 729n])
  assert.deepEqual(row('C'), [1_600_000, 396n, 238n, 0n, 0n, 95n, 729n])
  // D checked in, but nobody vouches for it: score 0 and no trust floor, so no weight
  assert.deepEqual(
    d.rewards.map((r) => r.account),
    ['V', 'A', 'B', 'C'],
  )
})
