// Property tests of the daily distribution over seeded random days (replay with SEED=...).
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { test } from 'node:test'
import { createRng, type Rng } from '../util/prng.ts'
import { type DayInputs, dayInputsFromJson, dayInputsToJson } from './day-inputs.ts'
import { computeDayDistribution } from './distribution.ts'
import { dayEmission } from './emission.ts'
import { defaultMiningParams, type MiningParams } from './params.ts'
import { syntheticDay } from './synthetic-day.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`mining property seed: ${seed} (replay with SEED=${seed})`)

const randomParams = (rng: Rng): MiningParams => ({
  ...defaultMiningParams,
  phase1Pool: BigInt(rng.u32()) * BigInt(1 + rng.int(1000)),
  phase1Days: 1 + rng.int(20),
  trustFloorPpm: rng.int(1_000_001),
  scoreThresholdPpm: rng.int(1_000_001),
  nodeWeightPpm: rng.int(5_000_001),
})

const randomDay = (rng: Rng, day: number, phase1Remaining: bigint, feePool: bigint): DayInputs =>
  syntheticDay(rng, {
    accounts: rng.int(60),
    day,
    checkInPpm: rng.int(1_000_001),
    invitePpm: rng.int(1_000_001),
    validators: rng.int(6),
    ledgersInDay: rng.int(50),
    feePool,
    phase1Remaining,
  })

test('conservation and eligibility on random days', () => {
  const rng = createRng(seed)
  for (let i = 0; i < 300; i++) {
    const params = randomParams(rng)
    const inputs = randomDay(rng, rng.int(30), BigInt(rng.u32()), BigInt(rng.int(1_000_000)))
    const d = computeDayDistribution(inputs, params)
    const ctx = `seed ${seed} case ${i}`
    assert.equal(d.distributed + d.remainder, d.emission + inputs.feePool, ctx)
    if (d.rewards.length === 0) assert.deepEqual([d.emission, d.remainder], [0n, inputs.feePool], ctx)
    else assert.ok(d.remainder >= 0n && d.remainder < 2n * BigInt(d.rewards.length), ctx)
    assert.equal(
      d.rewards.reduce((s, r) => s + r.total, 0n),
      d.distributed,
      ctx,
    )
    const eligible = new Set(inputs.checkedIn)
    if (inputs.ledgersInDay > 0) for (const v of inputs.validators) if (v.signed > 0) eligible.add(v.account)
    for (const r of d.rewards) {
      assert.ok(eligible.has(r.account), `${ctx}: ${r.account} was paid without being active`)
      assert.equal(r.total, r.base + r.circle + r.referral + r.node + r.fee, ctx)
      if (!inputs.checkedIn.includes(r.account)) assert.equal(r.base + r.circle + r.referral, 0n, ctx)
    }
  }
})

test('phase 1 pays exactly its pool, never more, then stops for good', () => {
  const rng = createRng(seed ^ 0x5eed)
  for (let run = 0; run < 20; run++) {
    const params = randomParams(rng)
    const genesisSupply = BigInt(rng.u32())
    const cap = genesisSupply + params.phase1Pool
    let remaining = params.phase1Pool
    let feePool = 0n
    let supply = genesisSupply
    let paidLastDay = false
    for (let day = 0; day < params.phase1Days + 10; day++) {
      const fees = BigInt(rng.int(10_000))
      supply -= fees
      feePool += fees
      const d = computeDayDistribution(randomDay(rng, day, remaining, feePool), params)
      assert.ok(d.emission <= remaining, `seed ${seed} run ${run} day ${day}`)
      supply += d.distributed
      remaining = d.phase1RemainingAfter
      feePool = d.remainder
      assert.ok(supply + feePool <= cap, `seed ${seed}: supply cap passed on day ${day}`)
      if (day >= params.phase1Days - 1 && d.totalWeight > 0n) paidLastDay = true
    }
    if (paidLastDay) assert.equal(remaining, 0n, `seed ${seed} run ${run}: pool not paid out exactly`)
    assert.equal(supply + feePool, genesisSupply + params.phase1Pool - remaining)
  }
})

test('emission schedule: equal slices, the last day takes the remainder', () => {
  const p = { ...defaultMiningParams, phase1Pool: 100n, phase1Days: 7 }
  let left = p.phase1Pool
  const slices: bigint[] = []
  for (let day = 0; day < 9; day++) {
    const e = dayEmission(day, left, p)
    slices.push(e)
    left -= e
  }
  assert.deepEqual(slices, [14n, 14n, 14n, 14n, 14n, 14n, 16n, 0n, 0n])
  assert.equal(dayEmission(3, 5n, p), 5n)
  const main = defaultMiningParams
  assert.equal(dayEmission(0, main.phase1Pool, main), 41_067_761_806_981n)
})

test('a day nobody is active on takes no emission and keeps the fee pool', () => {
  const inputs = syntheticDay(createRng(seed), { accounts: 20, checkInPpm: 0, validators: 0, feePool: 77n })
  const d = computeDayDistribution({ ...inputs, phase1Remaining: 1000n }, defaultMiningParams)
  assert.equal(d.emission, 0n)
  assert.equal(d.remainder, 77n)
  assert.equal(d.phase1RemainingAfter, 1000n)
})

test('same inputs give the same bits, through JSON and in any input order', () => {
  const rng = createRng(seed ^ 0xd1)
  for (let i = 0; i < 30; i++) {
    const params = randomParams(rng)
    const inputs = randomDay(rng, 0, BigInt(rng.u32()), 12345n)
    const a = computeDayDistribution(inputs, params)
    const parsed = dayInputsFromJson(JSON.parse(JSON.stringify(dayInputsToJson(inputs))))
    assert.ok(parsed.ok)
    assert.deepEqual(computeDayDistribution(parsed.value, params), a, `seed ${seed} case ${i}`)
    const shuffled = {
      ...inputs,
      checkedIn: [...inputs.checkedIn].reverse(),
      circles: [...inputs.circles].reverse(),
      invites: [...inputs.invites].reverse(),
    }
    const byAccount = (d: typeof a) => new Map(d.rewards.map((r) => [r.account, r]))
    const b = computeDayDistribution(shuffled, params)
    assert.deepEqual(byAccount(b), byAccount(a), `seed ${seed} case ${i}`)
    assert.equal(b.remainder, a.remainder)
  }
})

test('JSON edge rejects malformed days', () => {
  const good = dayInputsToJson(syntheticDay(createRng(1), { accounts: 8 }))
  assert.ok(dayInputsFromJson(good).ok)
  for (const [field, value] of [
    ['feePool', '-1'],
    ['feePool', 5],
    ['day', -1],
    ['checkedIn', [1]],
    ['circles', [{ account: 'x' }]],
  ] as const) {
    const r = dayInputsFromJson({ ...good, [field]: value })
    assert.equal(r.ok, false, field)
  }
})
