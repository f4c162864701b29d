// UnixFS import must give the CIDs of the reference importer (same profile) and export must
// round-trip and reject tampered or missing blocks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { utf8 } from '../util/bytes.ts'
import { isWattError, toWattError } from '../util/errors.ts'
import { CHUNK_SIZE, importFile, piecesOf } from './unixfs-import.ts'
import { exportBytes, exportFile } from './unixfs-export.ts'
import { loadSha256 } from './hash.ts'
import { referenceCid } from './test/reference-import.ts'

const now = () => Number(process.hrtime.bigint()) / 1e6
const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`unixfs tests seed=${seed} (replay with SEED=${seed})`)

const reference = (
  source: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  chunkSize = CHUNK_SIZE,
  maxLinks = 1024,
): Promise<string> => referenceCid(source(), chunkSize, maxLinks)

/** Deterministic pseudo-random stream of `total` bytes in pieces of varying size, fast. */
async function* stream(total: number, s: number): AsyncGenerator<Uint8Array> {
  let x = s | 1
  let left = total
  const rng = createRng(s)
  while (left > 0) {
    const n = Math.min(left, 1 + rng.int(3 << 20))
    const words = new Uint32Array(Math.ceil(n / 4))
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      words[i] = x >>> 0
    }
    yield new Uint8Array(words.buffer, 0, n)
    left -= n
  }
}

test('hello world has the IPFS CID', async () => {
  const r = await importFile([utf8('hello world')])
  assert.equal(r.cid.toString(), 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
  assert.equal(r.size, 11n)
})

for (const size of [0, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 12345]) {
  test(`random ${size} B: same CID as ipfs-unixfs-importer, round-trips`, async () => {
    const bytes = createRng(seed + size).bytes(size)
    const store = new Map<string, Uint8Array>()
    const r = await importFile(piecesOf(bytes, 1 + (size >> 2)), (b) => {
      store.set(b.cid.toString(), b.bytes)
    })
    assert.equal(r.cid.toString(), await reference(() => [bytes]), `seed=${seed}`)
    const back = await exportBytes(r.cid, async (cid) => store.get(cid.toString()))
    assert.deepEqual(back, bytes)
  })
}

test('deep trees (small chunks, 4 links) match the reference at every shape', async () => {
  for (const size of [0, 1, 16, 17, 64, 65, 256, 257, 1000, 1024, 1025, 4097]) {
    const bytes = createRng(seed ^ size).bytes(size)
    const mine = new Map<string, Uint8Array>()
    const r = await importFile([bytes], (b) => void mine.set(b.cid.toString(), b.bytes), {
      chunkSize: 16,
      maxLinks: 4,
    })
    assert.equal(r.cid.toString(), await reference(() => [bytes], 16, 4), `size=${size} seed=${seed}`)
    assert.deepEqual(await exportBytes(r.cid, async (c) => mine.get(c.toString())), bytes)
  }
})

test('200 MiB streams with bounded memory and matches the reference', async () => {
  const total = 200 * CHUNK_SIZE
  const hash = await loadSha256()
  const t0 = now()
  let blocks = 0
  const r = await importFile(stream(total, seed), () => void blocks++, { hash })
  const ms = now() - t0
  console.log(`200 MiB import: ${ms.toFixed(0)} ms, ${blocks} blocks, ${r.cid}`)
  assert.equal(r.size, BigInt(total))
  assert.equal(r.cid.toString(), await reference(() => stream(total, seed)), `seed=${seed}`)
})

test('export rejects a tampered block and a missing block with typed errors', async () => {
  const bytes = createRng(seed).bytes(2 * CHUNK_SIZE + 5)
  const store = new Map<string, Uint8Array>()
  const r = await importFile([bytes], (b) => void store.set(b.cid.toString(), b.bytes))
  const leafKey = [...store.keys()].find((k) => k !== r.cid.toString())!
  const good = store.get(leafKey)!
  const bad = good.slice()
  bad[7]! ^= 1
  store.set(leafKey, bad)
  const codeOf = async () => {
    try {
      for await (const _ of exportFile(r.cid, async (c) => store.get(c.toString()))) void _
      return 'none'
    } catch (e) {
      assert.ok(isWattError(toWattError(e)))
      return toWattError(e).code
    }
  }
  assert.equal(await codeOf(), 'hash_mismatch')
  store.delete(leafKey)
  assert.equal(await codeOf(), 'missing_block')
})
