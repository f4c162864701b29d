// The cache of fetched files: eviction order and budget with sizes worked by hand, a shrinking
// budget evicting at once, the user's own files adopted and never deleted, the entry bound, a
// partial (range) fetch, a file whose blocks were already here, and the index reloaded from the
// meta store (its blocks walked again from the dag-pb nodes).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { memoryStorageDb } from '../storage/storage-db.ts'
import { cacheOwner, createCache, MAX_CACHE_ENTRIES } from './cache.ts'
import { referenceFile } from './test-holders.ts'

/** A one-block file of `size` bytes (a raw leaf is a whole UnixFS file), stored by a fetch at `t`. */
const leaf = async (size: number, fill: number) => {
  const bytes = new Uint8Array(size).fill(fill)
  return { cid: CID.create(1, raw.code, await sha256.digest(bytes)).toString(), bytes }
}

const setup = (protect: (cid: string) => boolean = () => false) => {
  const db = memoryStorageDb()
  const store = { ...db, dropBlocks: db.deleteBlocksOf }
  const cache = createCache(store, async (cid) => protect(cid))
  const fetchInto = async (f: { cid: string; bytes: Uint8Array }, t: number, budget: number) => {
    cache.added(f.cid, f.cid, await db.putBlock(f.cid, f.bytes, cacheOwner(f.cid)), t)
    return cache.finished(f.cid, true, t, budget)
  }
  return { db, store, cache, fetchInto }
}

test('least recently used whole files go first, until the total is within the budget', async () => {
  const { db, cache, fetchInto } = setup()
  const [a, b, c] = [await leaf(100, 1), await leaf(200, 2), await leaf(300, 3)]
  assert.deepEqual(await fetchInto(a, 1, 450), [])
  assert.deepEqual(await fetchInto(b, 2, 450), [])
  cache.touch(a.cid, 3) // a served after b was fetched: b is now the oldest
  // 100 + 200 + 300 = 600 > 450: b (200) goes, 400 <= 450
  assert.deepEqual(await fetchInto(c, 4, 450), [b.cid])
  assert.equal(cache.usedBytes(), 400)
  assert.equal(await db.getBlock(b.cid), undefined)
  assert.deepEqual(cache.complete(), [a.cid, c.cid])
  // the budget shrinks to 350: a (used at 3) goes before c (4); 300 <= 350
  assert.deepEqual(await cache.evict(350), [a.cid])
  assert.deepEqual([cache.usedBytes(), await db.blockBytes()], [300, 300])
  assert.deepEqual(await cache.evict(0), [c.cid])
  assert.deepEqual([cache.usedBytes(), await db.blockBytes()], [0, 0])
})

test("the user's own files and blocks that were already here are never deleted", async () => {
  const own = await leaf(500, 9)
  const { db, cache, fetchInto } = setup((cid) => cid === own.cid)
  // stored by the user first: a fetch of it adds nothing, so no entry
  await db.putBlock(own.cid, own.bytes, 'imp-1')
  assert.deepEqual(await fetchInto(own, 1, 0), [])
  assert.equal(cache.entries().length, 0)
  // fetched first, then it became the user's (protect says so): adopted, its blocks kept
  const later = await leaf(300, 8)
  const s = setup((cid) => cid === later.cid)
  assert.deepEqual(await s.fetchInto(later, 1, 1000), [])
  assert.deepEqual(await s.cache.evict(0), [])
  assert.equal(s.cache.entries().length, 0)
  assert.deepEqual(await s.db.getBlock(later.cid), later.bytes)
  assert.deepEqual(await db.getBlock(own.cid), own.bytes)
})

test('the number of entries is bounded; a range fetch is a partial entry, evictable, not served whole', async () => {
  const { cache, fetchInto } = setup()
  const first = await leaf(1, 0)
  const evicted: string[] = []
  // 257 different files (one byte of 0..255, then two bytes): the oldest is the one evicted
  for (let i = 0; i <= MAX_CACHE_ENTRIES; i++)
    evicted.push(...(await fetchInto(await leaf(1 + (i >> 8), i % 256), i, 1 << 30)))
  assert.deepEqual([cache.entries().length, evicted], [MAX_CACHE_ENTRIES, [first.cid]])
  const p = setup()
  const f = await leaf(64, 7)
  p.cache.added(f.cid, f.cid, await p.db.putBlock(f.cid, f.bytes, cacheOwner(f.cid)), 1)
  await p.cache.finished(f.cid, false, 1, 1000)
  assert.deepEqual([p.cache.holds(f.cid), p.cache.complete()], ['partial', []])
  assert.deepEqual(await p.cache.evict(0), [f.cid])
})

test('reloaded from the meta store, the blocks of each file are walked again', async () => {
  const f = await referenceFile(
    new Uint8Array(300_000).map((_, i) => i % 251),
    64 << 10,
    3,
  )
  const { db, store, cache } = setup()
  for (const b of f.blocks)
    cache.added(f.root, b.cid, await db.putBlock(b.cid, b.bytes, cacheOwner(f.root)), 5)
  await cache.finished(f.root, true, 5, 1 << 20)
  const again = createCache(store, async () => false)
  await again.load()
  for (const b of f.blocks) assert.equal(again.holds(b.cid), 'complete')
  const total = f.blocks.reduce((n, b) => n + b.bytes.length, 0)
  assert.deepEqual([again.usedBytes(), again.entries().map((e) => e.cid)], [total, [f.root]])
  assert.equal(again.holds((await leaf(3, 3)).cid), 'none')
})
