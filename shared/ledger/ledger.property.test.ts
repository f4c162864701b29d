// Randomized ledger runs (seeded; replay with SEED=...): supply conserved, no negative balance,
// replayed and reordered transactions rejected, identical inputs giving identical header CIDs.
import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { watt } from './amount.ts'
import { allAccounts, getAccount, totalSupply } from './state.ts'
import type { LedgerState } from './state.ts'
import {
  body,
  close,
  create,
  FAUCET,
  genesis,
  GENESIS_TIME,
  pay,
  signed,
  testConfig,
  testKey,
  type TestKey,
} from './test/fixtures.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`ledger property seed: ${seed} (replay with SEED=${seed})`)

interface Run {
  headers: string[]
  state: LedgerState
  applied: Uint8Array[]
}

/** Random payments (some overspending, some to unknown accounts) over several ledgers. */
const randomRun = async (runSeed: number, ledgers = 8, perLedger = 12): Promise<Run> => {
  const rng = createRng(runSeed)
  const users: TestKey[] = Array.from({ length: 6 }, (_, i) => testKey(100 + i))
  let state = genesis()
  const seqs = new Map<string, bigint>()
  const next = (k: TestKey) => {
    const s = (seqs.get(k.address) ?? 0n) + 1n
    seqs.set(k.address, s)
    return s
  }
  const first = await Promise.all(
    users.map(async (u, i) => signed(FAUCET, body(FAUCET, BigInt(i + 1), [create(u, watt(1000))]))),
  )
  seqs.set(FAUCET.address, BigInt(users.length))
  let t = GENESIS_TIME + 1000
  const headers: string[] = []
  const applied: Uint8Array[] = []
  let l = await close(state, first, t)
  state = l.state
  headers.push(l.headerCid.toString())
  for (let n = 0; n < ledgers; n++) {
    const txs: Uint8Array[] = []
    for (let i = 0; i < perLedger; i++) {
      const from = rng.pick(users)
      const to = rng.int(10) === 0 ? testKey(999) : rng.pick(users)
      const amount = BigInt(rng.int(400)) * 10_000_000n + BigInt(rng.int(1000))
      const fee = BigInt(100 + rng.int(1000)) as never
      txs.push(await signed(from, body(from, next(from), [pay(to, amount)], { fee })))
    }
    t += 1000 + rng.int(3000)
    l = await close(state, txs, t)
    for (const r of l.results)
      assert.ok(r.ok || ['insufficient_balance', 'no_destination'].includes(r.code!), r.code)
    state = l.state
    headers.push(l.headerCid.toString())
    applied.push(...txs)
    assert.equal(totalSupply(state), testConfig().supplyCap, `supply at ledger ${l.header.seq}`)
    for (const [, a] of allAccounts(state)) assert.ok(a.balance >= 0n)
    assert.equal(l.header.totalCoins + 0n, testConfig().reserve.amount)
  }
  return { headers, state, applied }
}

test('supply is conserved and no balance goes negative in random runs', async () => {
  for (let i = 0; i < 3; i++) await randomRun(seed + i)
})

test('the same inputs give the same header CIDs', async () => {
  const a = await randomRun(seed, 4, 8)
  const b = await randomRun(seed, 4, 8)
  assert.deepEqual(a.headers, b.headers)
})

test('replayed transactions are rejected with bad_seq and change nothing', async () => {
  const run = await randomRun(seed ^ 0x55, 3, 6)
  const rng = createRng(seed)
  const replay = [rng.pick(run.applied), rng.pick(run.applied)]
  const l = await close(run.state, replay, run.state.header.closeTimeMs + 1000)
  for (const r of l.results) assert.equal(r.code, 'bad_seq')
  assert.deepEqual(l.header.stateRoot, run.state.header.stateRoot)
})

test('a later sequence number without its predecessor is rejected (reordering)', async () => {
  const a = testKey(200)
  let state = genesis()
  state = (
    await close(state, [await signed(FAUCET, body(FAUCET, 1n, [create(a, watt(10))]))], GENESIS_TIME + 1000)
  ).state
  const tx2 = await signed(a, body(a, 2n, [pay(FAUCET, 1n)]))
  const tx1 = await signed(a, body(a, 1n, [pay(FAUCET, 1n)]))
  const l = await close(state, [tx2], GENESIS_TIME + 2000)
  assert.equal(l.results[0]?.code, 'bad_seq')
  // Within one set, canonical order applies seq 1 before seq 2 whatever order they arrived in.
  const both = await close(state, [tx2, tx1], GENESIS_TIME + 2000)
  assert.deepEqual(
    both.results.map((r) => r.ok),
    [true, true],
  )
  assert.equal(getAccount(both.state, a.address)?.seq, 2n)
})
