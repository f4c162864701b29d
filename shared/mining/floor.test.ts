// The trust floor is paid only to accounts a trusted account vouches for (docs/mining.md, Sybil
// share): a seed, or a member of the circle of an account whose score passes the threshold; a
// score pays only what it has above the threshold.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DayInputs } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import { defaultMiningParams } from './params.ts'
import { trustOf } from './weights.ts'

test('trust = floor * vouched + (1 - floor) * (score - threshold) / (1 - threshold), by hand', () => {
  const p = defaultMiningParams // floor 0.25, threshold 0.2
  assert.equal(trustOf(0, false, p), 0)
  assert.equal(trustOf(0, true, p), 250_000)
  assert.equal(trustOf(150_000, false, p), 0, 'below the threshold a score pays nothing')
  assert.equal(trustOf(200_000, true, p), 250_000)
  assert.equal(trustOf(400_000, false, p), 187_500) // 0.75 * 0.2 / 0.8
  assert.equal(trustOf(400_000, true, p), 437_500)
  assert.equal(trustOf(1_000_000, false, p), 750_000)
  assert.equal(trustOf(1_000_000, true, p), 1_000_000)
  const strict = { ...p, scoreThresholdPpm: 1_000_000 }
  assert.equal(trustOf(999_999, true, strict), 250_000)
  assert.equal(trustOf(1_000_000, true, strict), 1_000_000)
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
  const above = Math.max(0, z.score - 200_000)
  assert.equal(z.trust, 250_000 + Math.floor((750_000 * above) / 800_000))
  assert.equal(z.vouched, true)
  for (const a of ['S', 'A', 'B', 'C']) assert.equal(r(a)!.trust, 1_000_000, a)
})
