import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOf, cidOfBytes, decode, encode, RAW } from './dag-cbor.ts'
import { utf8 } from '../util/bytes.ts'

test('raw CID of hello world matches IPFS', () => {
  assert.equal(
    cidOfBytes(utf8('hello world'), RAW).toString(),
    'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e',
  )
})

test('encoding is deterministic regardless of key order', () => {
  assert.equal(cidOf({ b: 1, a: 2n ** 40n }).toString(), cidOf({ a: 2n ** 40n, b: 1 }).toString())
})

test('decode rejects garbage and oversized input with codes', () => {
  const bad = decode(new Uint8Array([0xff, 0x00, 0x13]))
  assert.equal(bad.ok, false)
  if (!bad.ok) assert.equal(bad.error.code, 'malformed')
  const big = decode(encode(new Uint8Array(100)), 10)
  assert.equal(big.ok, false)
  if (!big.ok) assert.equal(big.error.code, 'oversized')
})

test('decode refuses what is not the canonical encoding of its value (found by npm run fuzz, dag-cbor)', () => {
  const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => Number.parseInt(x, 16)))
  const reason = (h: string) => {
    const r = decode(hex(h))
    return r.ok ? 'accepted' : (r.error['reason'] ?? r.error.code)
  }
  assert.equal(reason('a2616201616101'), 'non_canonical', '{b: 1, a: 1}: map keys out of order')
  assert.equal(reason('fa3f800000'), 'non_canonical', '1 written as a 32-bit float')
  assert.equal(reason('f93c00'), 'non_canonical', '1 written as a half float')
  assert.equal(reason('fb3ff0000000000000'), 'non_canonical', '1 written as a 64-bit float')
  assert.equal(reason('a2616101616201'), 'accepted', '{a: 1, b: 1}')
  assert.equal(reason('fb3ff8000000000000'), 'accepted', '1.5 as a 64-bit float, as encode writes it')
  const value = { z: [1, -2, 2n ** 64n - 1n, 'x', new Uint8Array([1, 2]), null, true, 0.25], a: cidOf(1) }
  const back = decode(encode(value))
  assert.ok(back.ok)
  assert.deepEqual(encode(back.value), encode(value))
})
