import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { test } from 'node:test'
import { encode } from '../codec/dag-cbor.ts'
import { toHex } from '../util/bytes.ts'
import { createRng } from '../util/prng.ts'
import { encodeEntryValue } from './account-codec.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`account-codec seed: ${seed} (replay with SEED=${seed})`)

test('account entries encode to the generic DAG-CBOR bytes, at every integer width', () => {
  const rng = createRng(seed)
  const edges = [
    0n,
    23n,
    24n,
    255n,
    256n,
    65535n,
    65536n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 63n - 1n,
    2n ** 64n - 1n,
  ]
  const random = () => BigInt(rng.u32()) * 2n ** BigInt(rng.int(33)) + BigInt(rng.int(1000))
  const values = [...edges, ...Array.from({ length: 300 }, random)]
  for (const balance of values) {
    const seq = rng.pick(values)
    const v = { balance, seq }
    assert.equal(toHex(encodeEntryValue(v)), toHex(encode(v)), `balance ${balance} seq ${seq}`)
  }
})

test('other values go through the generic encoder', () => {
  for (const v of [{ balance: 1n }, { balance: 1n, seq: 2n, x: 3 }, { balance: 1, seq: 2 }, [1n, 2n], null]) {
    assert.equal(toHex(encodeEntryValue(v)), toHex(encode(v)))
  }
})
