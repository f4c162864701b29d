// The trust floor is paid only to accounts a trusted account vouches for (docs/mining.md, Sybil
// share): a seed, or a member of the circle of an account whose score passes the threshold.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DayInputs } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import { defaultMiningParams } from './params.ts'
import { trustOf } from './weights.ts'

test('trust = floor * vouched + (1 - floor) * score, by hand', () => {
  const p = defaultMiningParams // floor 0.25
  assert.equal(trustOf(0, false, p), 0)
  assert.equal(trustOf(0, true, p), 250_000)
  assert.equal(trustOf(400_000, false, p), 300_000)
  assert.equal(trustOf(400_000, true, p), 550_000)
  assert.equal(trustOf(1_000_000, true, p), 1_000_000)
})

// S (seed) -> {A, B, C}; A, B, C name each other and S; A also names Z. Y (vouched by nobody)
// names X. Everyone checks in. Z is in a trusted circle, X only in an untrusted one.
const day: DayInputs = {
  day: 0,
  checkedIn: ['S', 'A', 'B', 'C', 'X', 'Y', 'Z'],
  circles: [
    { account: 'S', members: ['A', 'B', 'C'] },
    { account: 'A', members: ['B', 'C', 'S', 'Z'] },
    { account: 'B', members: ['A', 'C', 'S'] },
    { account: 'C', members: ['A', 'B', 'S'] },
    { account: 'Y', members: ['X', 'A', 'B'] },
  ],
  invites: [{ account: 'X', ambassador: 'A' }],
  validators: [],
  ledgersInDay: 0,
  seeds: ['S'],
  feePool: 0n,
  phase1Remaining: 1_000_000n,
}

test('the floor reaches an account in a trusted circle, not one only an untrusted account names', () => {
  const d = computeDayDistribution(day, defaultMiningParams)
  const r = (a: string) => d.rewards.find((x) => x.account === a)
  // X and Y: no trust mass ever reaches them (nobody trusted names them), and no floor
  assert.equal(r('X'), undefined)
  assert.equal(r('Y'), undefined)
  // Z: named by A (score 1), so it gets the floor on top of its own score
  const z = r('Z')!
  assert.equal(z.trust, 250_000 + Math.floor((750_000 * z.score) / 1_000_000))
  for (const a of ['S', 'A', 'B', 'C']) assert.equal(r(a)!.trust, 1_000_000, a)
})
