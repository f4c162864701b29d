// The newcomer example of docs/mining.md (Trust seeds): N joins a community of two seed
// accounts S1, S2 and three members A, B, C; on day 1 nobody names N, on day 2 A adds N to its
// circle, on day 3 B does too. Every number below was worked by hand (docs/mining.md).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CircleInput, DayInputs } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import { defaultMiningParams } from './params.ts'
import { indexDay } from './trust-graph.ts'
import { computeTrustScores } from './trust-score.ts'

const community: Record<string, string[]> = {
  S1: ['S2', 'A', 'B'],
  S2: ['S1', 'A', 'C'],
  A: ['S1', 'B', 'C'],
  B: ['S2', 'A', 'C'],
  C: ['S1', 'S2', 'A'],
  N: ['A', 'B', 'C'],
}
const dayWith = (extra: Record<string, string[]>): DayInputs => {
  const circles: CircleInput[] = Object.entries({ ...community, ...extra }).map(([account, members]) => ({
    account,
    members,
  }))
  return {
    day: 0,
    checkedIn: ['S1', 'S2', 'A', 'B', 'C', 'N'],
    circles,
    invites: [],
    validators: [],
    ledgersInDay: 0,
    seeds: ['S1', 'S2'],
    feePool: 0n,
    phase1Remaining: 1_000_000n,
  }
}
const day1 = dayWith({})
const day2 = dayWith({ A: ['S1', 'B', 'C', 'N'] })
const day3 = dayWith({ A: ['S1', 'B', 'C', 'N'], B: ['S2', 'A', 'C', 'N'] })

const walk = (d: DayInputs) => {
  const day = indexDay(d, 5)
  const s = computeTrustScores(day.graph, day.seeds, defaultMiningParams)
  const at = (a: string) => day.names.indexOf(a)
  return { mass: (a: string) => s.mass[at(a)], score: (a: string) => s.score[at(a)], reference: s.reference }
}

test('the newcomer walk, by hand: N gains mass once a trusted member names it', () => {
  const w1 = walk(day1)
  assert.equal(w1.mass('N'), 0)
  assert.equal(w1.reference, 111_351_004)
  assert.equal(w1.score('N'), 0)
  const w2 = walk(day2)
  assert.equal(w2.mass('N'), 238_609_294)
  assert.equal(w2.mass('A'), 1_113_510_038)
  assert.equal(w2.reference, 111_351_003)
  assert.equal(w2.score('N'), 1_000_000) // r = 238,609,294 / 1 >= 111,351,003
  const w3 = walk(day3)
  assert.equal(w3.mass('N'), 372_827_023)
  assert.equal(w3.reference, 108_368_387)
  assert.equal(w3.score('N'), 1_000_000) // r = 372,827,023 / 2 = 186,413,511
})

test('the newcomer distribution, by hand: nothing, then the full trust, then a bonus for B', () => {
  const row = (d: DayInputs, a: string) => {
    const r = computeDayDistribution(d, defaultMiningParams).rewards.find((x) => x.account === a)
    return r && { trust: r.trust, vouched: r.vouched, circleActive: r.circleActive, weight: r.weight }
  }
  assert.equal(row(day1, 'N'), undefined, 'day 1: no score, no vouch, no weight')
  assert.deepEqual(row(day2, 'N'), { trust: 1_000_000, vouched: true, circleActive: 3, weight: 1_600_000 })
  assert.deepEqual(row(day2, 'A'), { trust: 1_000_000, vouched: true, circleActive: 4, weight: 1_800_000 })
  assert.deepEqual(row(day3, 'B'), { trust: 1_000_000, vouched: true, circleActive: 4, weight: 1_800_000 })
})
