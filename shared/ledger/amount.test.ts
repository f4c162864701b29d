import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { asUnits, formatWatt, MAX_AMOUNT, parseWatt, watt } from './amount.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`amount property seed: ${seed} (replay with SEED=${seed})`)

test('parse and format examples', () => {
  const p = (s: string) => {
    const r = parseWatt(s)
    return r.ok ? r.value : r.error.reason
  }
  assert.equal(p('12.5'), 125_000_000n)
  assert.equal(p('0.0000001'), 1n)
  assert.equal(p('3'), watt(3))
  assert.equal(p('1.50000000'), 15_000_000n)
  assert.equal(p('0.00000001'), 'too_many_decimals')
  assert.equal(p('-1'), 'negative')
  assert.equal(p('1e5'), 'format')
  assert.equal(p('.5'), 'format')
  assert.equal(p(''), 'format')
  assert.equal(p('1,5'), 'format')
  assert.equal(p('922337203685.4775808'), 'too_large')
  assert.equal(p('922337203685.4775807'), MAX_AMOUNT)
  assert.equal(formatWatt(125_000_000n), '12.5')
  assert.equal(formatWatt(0n), '0')
  assert.equal(formatWatt(1n), '0.0000001')
  assert.equal(formatWatt(-15_000_000n), '-1.5')
})

test('format then parse is the identity on every amount', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: MAX_AMOUNT }), (units) => {
      const r = parseWatt(formatWatt(units))
      assert.ok(r.ok && r.value === units)
    }),
    { seed, numRuns: 500 },
  )
})

test('asUnits accepts only non-negative int64 values', () => {
  assert.equal(asUnits(5), 5n)
  assert.equal(asUnits(5n), 5n)
  assert.equal(asUnits(-1), undefined)
  assert.equal(asUnits(1.5), undefined)
  assert.equal(asUnits('5'), undefined)
  assert.equal(asUnits(2n ** 63n), undefined)
})
