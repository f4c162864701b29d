import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { ADDRESS_LENGTH, addressOf, isAddress, parseAddress } from './address.ts'
import { bytesEqual } from '../util/bytes.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
const params = { seed, numRuns: 300 }
console.log(`address property seed: ${seed} (replay with SEED=${seed})`)

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })

test('address round-trips its public key and has the documented shape', () => {
  fc.assert(
    fc.property(key32, (key) => {
      const a = addressOf(key)
      assert.equal(a.length, ADDRESS_LENGTH)
      assert.match(a, /^W[A-Z2-7]{56}$/)
      assert.ok(isAddress(a))
      const back = parseAddress(a.toLowerCase())
      assert.ok(back.ok && bytesEqual(back.value, key))
    }),
    params,
  )
})

test('any single mistyped character is rejected with a reason', () => {
  fc.assert(
    fc.property(key32, fc.nat(55), fc.nat(30), (key, pos, delta) => {
      const a = addressOf(key)
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
      const i = pos + 1
      const c = alphabet[(alphabet.indexOf(a[i]!) + 1 + delta) % 32]!
      const typo = a.slice(0, i) + c + a.slice(i + 1)
      const r = parseAddress(typo)
      assert.equal(r.ok, false)
      if (!r.ok) assert.equal(r.error.code, 'bad_address')
    }),
    params,
  )
})

test('prefix, length and character problems have their own reasons', () => {
  const a = addressOf(new Uint8Array(32).fill(7))
  const reason = (s: string) => {
    const r = parseAddress(s)
    return r.ok ? 'ok' : r.error.reason
  }
  assert.equal(reason('X' + a.slice(1)), 'bad_prefix')
  assert.equal(reason(a.slice(0, -1)), 'bad_length')
  assert.equal(reason(a + 'A'), 'bad_length')
  assert.equal(reason(a.slice(0, 10) + '1' + a.slice(11)), 'bad_character')
  assert.equal(reason(` ${a} `), 'ok')
  assert.throws(() => addressOf(new Uint8Array(31)))
})
