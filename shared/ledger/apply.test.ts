import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encode } from '../codec/dag-cbor.ts'
import { nobleVerifier } from '../crypto/noble.ts'
import { watt } from './amount.ts'
import { applyLedger } from './apply.ts'
import { composeProtocol, defineModule } from './module.ts'
import type { OpHandler } from './operations/registry.ts'
import { paramsSpec } from './params.ts'
import { ok } from '../util/errors.ts'
import type { Amount } from './amount.ts'
import { coreModule } from './operations/core.ts'
import { getAccount, getPools, totalSupply } from './state.ts'
import { decodeTx, MAX_MEMO_BYTES } from './tx.ts'
import { checkTx, checkTxs, makeTxSet } from './tx-set.ts'
import { debit } from './money.ts'
import {
  at,
  body,
  close,
  create,
  env,
  FAUCET,
  genesis,
  GENESIS_TIME,
  pay,
  signed,
  testConfig,
  testKey,
} from './test/fixtures.ts'
import { coreProtocol } from './operations/core.ts'

const ALICE = testKey(10)
const BOB = testKey(11)

test('genesis conserves supply and funds reserve and faucet', () => {
  const g = genesis()
  const cfg = testConfig()
  assert.equal(totalSupply(g), cfg.supplyCap)
  assert.equal(getAccount(g, FAUCET.address)?.balance, watt(1_000_000))
  assert.equal(g.header.totalCoins, cfg.reserve.amount)
  assert.equal(cfg.reserve.amount, watt(1_000_000_000))
})

test('create account then pay: balances, seq, fee pool, results', async () => {
  const g = genesis()
  const l2 = await close(
    g,
    [await signed(FAUCET, body(FAUCET, 1n, [create(ALICE, watt(100))]))],
    GENESIS_TIME + 1000,
  )
  assert.deepEqual(
    l2.results.map((r) => r.ok),
    [true],
  )
  assert.equal(getAccount(l2.state, ALICE.address)?.balance, watt(100))
  const l3 = await close(
    l2.state,
    [
      await signed(ALICE, body(ALICE, 1n, [create(BOB, watt(10))])),
      await signed(ALICE, body(ALICE, 2n, [pay(BOB, watt(5))], { fee: 1000n as never })),
    ],
    GENESIS_TIME + 2000,
  )
  assert.deepEqual(
    l3.results.map((r) => [r.ok, r.code]),
    [
      [true, undefined],
      [true, undefined],
    ],
  )
  assert.equal(getAccount(l3.state, BOB.address)?.balance, watt(15))
  assert.equal(getAccount(l3.state, ALICE.address)?.balance, watt(85) - 1100n)
  assert.equal(getAccount(l3.state, ALICE.address)?.seq, 2n)
  assert.equal(getPools(l3.state).feePool, 1200n)
  assert.equal(l3.header.feePool, 1200n)
  assert.equal(l3.header.seq, 3)
  assert.ok(l3.header.prevHeader?.equals(l2.headerCid))
  assert.equal(totalSupply(l3.state), testConfig().supplyCap)
})

test('every gate check has its code and leaves no trace', async () => {
  const g = genesis()
  const t = GENESIS_TIME + 5000
  const cases: [string, Uint8Array][] = [
    ['bad_seq', await signed(FAUCET, body(FAUCET, 2n, [pay(ALICE, 1n)]))],
    ['no_account', await signed(ALICE, body(ALICE, 1n, [pay(FAUCET, 1n)]))],
    ['below_min_fee', await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { fee: 99n as never }))],
    ['too_early', await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { minTimeMs: t + 1 }))],
    ['expired', await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { maxTimeMs: t - 1 }))],
    ['wrong_network', await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { network: 'other' }))],
    [
      'insufficient_balance',
      await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { fee: watt(2_000_000) })),
    ],
  ]
  for (const [code, tx] of cases) {
    const l = await close(g, [tx], t)
    assert.equal(l.results[0]?.code, code, code)
    assert.equal(l.results[0]?.fee, 0n)
    assert.ok(Buffer.from(l.header.stateRoot).equals(Buffer.from(g.header.stateRoot)), code)
  }
})

test('a failing operation rolls back the whole tx but charges the fee and the seq', async () => {
  const g = genesis()
  const tx = await signed(FAUCET, body(FAUCET, 1n, [create(ALICE, watt(1)), pay(BOB, watt(1))]))
  const l = await close(g, [tx], GENESIS_TIME + 1000)
  assert.deepEqual([l.results[0]?.ok, l.results[0]?.code, l.results[0]?.op], [false, 'no_destination', 1])
  assert.equal(getAccount(l.state, ALICE.address), undefined)
  assert.equal(getAccount(l.state, FAUCET.address)?.seq, 1n)
  assert.equal(getPools(l.state).feePool, 200n)
  assert.equal(totalSupply(l.state), testConfig().supplyCap)
})

test('a bad signature is rejected by checkTx and by applyLedger', async () => {
  const tx = await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)]))
  const forged = await signed(ALICE, body(FAUCET, 1n, [pay(ALICE, 1n)]))
  const r = await checkTx(forged, coreProtocol, nobleVerifier)
  assert.equal(r.ok ? 'ok' : r.error.code, 'bad_signature')
  assert.ok((await checkTx(tx, coreProtocol, nobleVerifier)).ok)
  const l = await close(genesis(), [forged], GENESIS_TIME + 1000)
  assert.equal(l.results[0]?.code, 'bad_signature')
})

test('decoding rejects malformed, oversized, long memo, unknown op and extra fields', async () => {
  const code = (b: Uint8Array) => {
    const r = decodeTx(b, coreProtocol)
    return r.ok ? 'ok' : r.error.code
  }
  const good = await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)]))
  assert.equal(code(good), 'ok')
  assert.equal(code(good.subarray(0, good.length - 3)), 'malformed')
  assert.equal(code(new Uint8Array(9000)), 'oversized')
  const memo = new Uint8Array(MAX_MEMO_BYTES + 1)
  assert.equal(code(await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, 1n)], { memo }))), 'memo_too_long')
  const unknown = await signed(FAUCET, body(FAUCET, 1n, [{ type: 'mint' } as never]))
  assert.equal(code(unknown), 'unknown_operation')
  const extra = await signed(FAUCET, { ...body(FAUCET, 1n, [pay(ALICE, 1n)]), extra: 1 } as never)
  assert.equal(code(extra), 'malformed')
  const negative = await signed(FAUCET, body(FAUCET, 1n, [pay(ALICE, -5n)]))
  assert.equal(code(negative), 'malformed')
  assert.equal(code(encode({ body: 1, sigs: [] })), 'malformed')
})

test('sets that skip the previous header, overflow capacity or go back in time are refused', async () => {
  const g = genesis()
  const e = env(testConfig({ ledgerCapacityOps: 1 }))
  const txs = [
    await signed(FAUCET, body(FAUCET, 1n, [pay(FAUCET, 1n)])),
    await signed(FAUCET, body(FAUCET, 2n, [pay(FAUCET, 1n)])),
  ]
  const checked = (await checkTxs(txs, e.protocol, nobleVerifier)).map((c) =>
    c.ok ? c.value : assert.fail(),
  )
  const code = (r: ReturnType<typeof applyLedger>) => (r.ok ? 'ok' : r.error.code)
  assert.equal(code(applyLedger(g, makeTxSet(g.headerCid, checked), at(GENESIS_TIME + 1), e)), 'bad_tx_set')
  const one = makeTxSet(g.headerCid, checked.slice(0, 1))
  assert.equal(code(applyLedger(g, one, at(GENESIS_TIME), e)), 'bad_close_time')
  const l2 = applyLedger(g, one, at(GENESIS_TIME + 1), e)
  assert.ok(l2.ok)
  assert.equal(code(applyLedger(l2.value.state, one, at(GENESIS_TIME + 2), e)), 'bad_tx_set')
})

test('modules add operations and close steps without touching the core', async () => {
  const burnToPool: OpHandler<{ type: 'tip' }, unknown, 'no_account' | 'insufficient_balance'> = {
    type: 'tip',
    parse: () => ok({ type: 'tip' as const }),
    apply: (d, _op, ctx) => {
      const e = debit(d, ctx.source, 7n as Amount)
      if (e) return e
      d.putPools({ ...d.getPools(), feePool: (d.getPools().feePool + 7n) as Amount })
      const prev = d.getData('tips', ctx.source) as { count: number } | undefined
      d.putData('tips', ctx.source, { count: (prev?.count ?? 0) + 1 })
      return undefined
    },
  }
  const days: number[] = []
  const tips = defineModule({
    name: 'tips',
    params: paramsSpec<Record<never, never>>({}),
    operations: [burnToPool],
    closeSteps: [
      {
        name: 'day',
        run: (_d, ctx) => {
          if (ctx.dayIndex !== ctx.prevDayIndex) days.push(ctx.dayIndex)
          return undefined
        },
      },
    ],
    resultCodes: ['no_account', 'insufficient_balance'],
    readers: {},
  })
  const protocol = composeProtocol([coreModule, tips])
  const e = { config: testConfig(), protocol }
  const l2 = await close(
    genesis(testConfig(), protocol),
    [await signed(FAUCET, body(FAUCET, 1n, [{ type: 'tip' } as never]))],
    GENESIS_TIME + 12_000,
    e,
  )
  assert.equal(l2.results[0]?.ok, true)
  assert.equal(getPools(l2.state).feePool, 107n)
  assert.deepEqual(days, [1])
  assert.equal(totalSupply(l2.state), testConfig().supplyCap)
  assert.ok(l2.changes.some((c) => c.key.startsWith('d/tips/')))
})
