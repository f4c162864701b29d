// The CAR writer against an independent reader (@ipld/car) and against bytes worked by hand.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { CarReader } from '@ipld/car'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { carBlock, carHeader } from './car.ts'

const rawCid = (bytes: Uint8Array) =>
  CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest()))

const concat = (parts: readonly Uint8Array[]) => Uint8Array.from(Buffer.concat(parts))

test('a header and blocks read back with @ipld/car, in order, with their CIDs', async () => {
  const a = new TextEncoder().encode('hello world')
  const b = new Uint8Array(300).fill(7)
  const [ca, cb] = [rawCid(a), rawCid(b)]
  const car = concat([carHeader([ca]), ...carBlock(ca, a), ...carBlock(cb, b)])
  const reader = await CarReader.fromBytes(car)
  assert.deepEqual(
    (await reader.getRoots()).map((r) => r.toString()),
    [ca.toString()],
  )
  assert.equal(reader.version, 1)
  const blocks = []
  for await (const x of reader.blocks()) blocks.push(x)
  assert.deepEqual(
    blocks.map((x) => x.cid.toString()),
    [ca.toString(), cb.toString()],
  )
  assert.deepEqual(blocks[1]!.bytes, b)
})

test('the byte layout by hand: varint lengths, the DAG-CBOR header, CID then data', () => {
  const data = new Uint8Array(200).fill(1)
  const cid = rawCid(data)
  // a CIDv1 raw sha2-256 is 36 bytes; 36 + 200 = 236 = 0xec 0x01 as a varint
  const [prefix, body] = carBlock(cid, data)
  assert.deepEqual([...prefix.subarray(0, 2)], [0xec, 0x01])
  assert.deepEqual(prefix.subarray(2), cid.bytes)
  assert.equal(body, data, 'the data is handed back, not copied')
  const header = carHeader([cid])
  // {roots: [tag 42 (0x00 ++ cid bytes)], version: 1}: map(2) "roots" array(1) tag(42) bytes(37) ... "version" 1
  const expected = [
    0xa2,
    0x65,
    ...new TextEncoder().encode('roots'),
    0x81,
    0xd8,
    0x2a,
    0x58,
    37,
    0x00,
    ...cid.bytes,
    0x67,
    ...new TextEncoder().encode('version'),
    0x01,
  ]
  assert.equal(header[0], expected.length)
  assert.deepEqual([...header.subarray(1)], expected)
})
