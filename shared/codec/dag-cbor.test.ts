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
