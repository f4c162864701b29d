import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from './amount.ts'
import { createMempool } from './mempool.ts'
import { coreProtocol } from './operations/core.ts'
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
import { nodeVerifier } from './test/node-ed25519.ts'
import { type CheckedTx, checkTx } from './tx-set.ts'

const users = Array.from({ length: 4 }, (_, i) => testKey(400 + i))
const T = GENESIS_TIME + 1000

const funded = async (): Promise<LedgerState> => {
  const txs = await Promise.all(
    users.map((u, i) => signed(FAUCET, body(FAUCET, BigInt(i + 1), [create(u, watt(1))]))),
  )
  return (await close(genesis(), txs, T)).state
}

const tx = async (from: TestKey, seq: bigint, fee: bigint, over = {}): Promise<CheckedTx> => {
  const r = await checkTx(
    await signed(from, body(from, seq, [pay(FAUCET, 1n)], { fee: fee as never, ...over })),
    coreProtocol,
    nodeVerifier,
  )
  if (!r.ok) throw new Error(r.error.code)
  return r.value
}

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code)

test('admission codes', async () => {
  const s = await funded()
  const m = createMempool(testConfig(), { maxTotal: 100, maxPerAccount: 2 })
  const [u] = users as [TestKey]
  const first = await tx(u, 1n, 100n)
  assert.equal(code(m.add(first, s, T)), 'ok')
  assert.equal(code(m.add(first, s, T)), 'duplicate')
  assert.equal(code(m.add(await tx(u, 3n, 100n), s, T)), 'bad_seq')
  assert.equal(code(m.add(await tx(u, 2n, 99n), s, T)), 'below_min_fee')
  assert.equal(code(m.add(await tx(u, 2n, 100n, { maxTimeMs: T - 1 }), s, T)), 'expired')
  assert.equal(code(m.add(await tx(u, 2n, 100n, { network: 'x' }), s, T)), 'wrong_network')
  assert.equal(code(m.add(await tx(u, 2n, watt(1)), s, T)), 'insufficient_balance')
  assert.equal(code(m.add(await tx(testKey(499), 1n, 100n), s, T)), 'no_account')
  assert.equal(code(m.add(await tx(u, 2n, 100n), s, T)), 'ok')
  assert.equal(code(m.add(await tx(u, 3n, 100n), s, T)), 'mempool_account_full')
  assert.equal(m.size, 2)
})

test('a full pool evicts the lowest-paying tail, never breaking a chain', async () => {
  const s = await funded()
  const m = createMempool(testConfig(), { maxTotal: 3, maxPerAccount: 4 })
  const [a, b, c, d] = users as [TestKey, TestKey, TestKey, TestKey]
  assert.equal(code(m.add(await tx(a, 1n, 500n), s, T)), 'ok')
  assert.equal(code(m.add(await tx(a, 2n, 150n), s, T)), 'ok')
  assert.equal(code(m.add(await tx(b, 1n, 300n), s, T)), 'ok')
  assert.equal(code(m.add(await tx(c, 1n, 120n), s, T)), 'mempool_full')
  const r = m.add(await tx(d, 1n, 200n), s, T)
  assert.ok(r.ok)
  assert.equal(r.value.evicted?.tx.body.fee, 150n)
  assert.equal(m.size, 3)
  assert.deepEqual(
    m.select(2).map((t) => t.tx.body.fee),
    [500n, 300n],
  )
})

test('update drops applied, stale and unaffordable transactions', async () => {
  const s = await funded()
  const m = createMempool(testConfig())
  const [a, b] = users as [TestKey, TestKey]
  const a1 = await tx(a, 1n, 100n)
  const a2 = await tx(a, 2n, 100n)
  const b1 = await tx(b, 1n, 100n, { maxTimeMs: T + 1500 })
  for (const t of [a1, a2, b1]) assert.ok(m.add(t, s, T).ok)
  const next = (await close(s, [a1.bytes], T + 1000)).state
  const dropped = m.update(next, T + 2000)
  assert.deepEqual(dropped.map((t) => t.id).sort(), [a1.id, b1.id].sort())
  assert.deepEqual(
    m.pending().map((t) => t.id),
    [a2.id],
  )
  assert.ok(m.has(a2.id) && !m.has(a1.id))
})

test('what the mempool selects applies cleanly as the next ledger', async () => {
  const s = await funded()
  const m = createMempool(testConfig({ ledgerCapacityOps: 5 }))
  for (const u of users) {
    for (let seq = 1n; seq <= 3n; seq++) assert.ok(m.add(await tx(u, seq, 100n * seq), s, T).ok)
  }
  const picked = m.select(5)
  assert.equal(picked.length, 5)
  const l = await close(
    s,
    picked.map((t) => t.bytes),
    T + 1000,
  )
  assert.ok(l.results.every((r) => r.ok))
  m.update(l.state, T + 1000)
  assert.equal(m.size, 12 - 5)
  assert.ok(m.select(100).every((t) => !picked.includes(t)))
})
