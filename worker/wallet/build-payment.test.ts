import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { formatWatt, MAX_AMOUNT } from '../../shared/ledger/index.ts'
import { createRng } from '../../shared/util/prng.ts'
import { buildPayment, TX_LIFETIME_MS } from './build-payment.ts'
import { testLedger as fakeLedger } from '../node/test-ledger.ts'

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31)
const runs = { seed, numRuns: 300 }
const ledger = fakeLedger()
const { state } = ledger.current()
const config = ledger.genesis()
const faucet = nobleSigner(ledger.faucetSecret()!).publicKey
const dest = addressOf(nobleSigner(createRng(5).bytes(32)).publicKey)
const ctx = {
  state,
  config,
  source: faucet,
  seq: 1n,
  spendable: MAX_AMOUNT,
  pendingDests: new Set<string>(),
  nowMs: 7,
}

test(`any amount typed as decimal text reaches the op as the exact base units (SEED=${seed})`, () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: MAX_AMOUNT - 1000n }),
      fc.bigInt({ min: 100n, max: 1000n }),
      (units, fee) => {
        const r = buildPayment({ to: dest, amount: formatWatt(units), fee: formatWatt(fee) }, ctx)
        assert.ok(r.ok, r.ok ? '' : r.error.code)
        const op = r.value.ops[0] as unknown as { type: string; amount: bigint }
        assert.equal(op.amount, units)
        assert.equal(r.value.fee, fee)
        assert.equal(op.type, 'createAccount')
      },
    ),
    runs,
  )
})

test(`the spendable limit is exact: amount + fee = spendable passes, one unit more fails (SEED=${seed})`, () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1000n, max: 10n ** 15n }), (spendable) => {
      const fee = config.minFeePerOp
      const fits = buildPayment({ to: dest, amount: formatWatt(spendable - fee) }, { ...ctx, spendable })
      assert.ok(fits.ok)
      const over = buildPayment({ to: dest, amount: formatWatt(spendable - fee + 1n) }, { ...ctx, spendable })
      assert.equal(over.ok ? 'ok' : over.error.code, 'insufficient_balance')
    }),
    runs,
  )
})

test('body fields: network, seq, default fee, payment to an existing account, time bound', () => {
  const r = buildPayment(
    { to: addressOf(faucet), amount: '1' },
    { ...ctx, source: nobleSigner(createRng(6).bytes(32)).publicKey },
  )
  // the source has no account in this ledger
  assert.equal(r.ok ? 'ok' : r.error.code, 'no_account')
  const reserve = buildPayment({ to: config.reserve.address, amount: '1' }, { ...ctx, seq: 9n })
  assert.ok(reserve.ok)
  assert.equal(reserve.value.network, config.networkId)
  assert.equal(reserve.value.seq, 9n)
  assert.equal(reserve.value.fee, config.minFeePerOp)
  assert.equal((reserve.value.ops[0] as { type: string }).type, 'payment')
  assert.equal(reserve.value.maxTimeMs, state.header.closeTimeMs + TX_LIFETIME_MS)
  const pendingDest = buildPayment({ to: dest, amount: '1' }, { ...ctx, pendingDests: new Set([dest]) })
  assert.equal(pendingDest.ok && (pendingDest.value.ops[0] as { type: string }).type, 'payment')
})
