// The shared walk order against files built by the reference importer (ipfs-unixfs-importer): the
// whole walk is the pre-order written out here, a walk from block k is its tail, and for random
// byte spans the pruned walk carries exactly the leaves that hold the span (counted by hand from
// the fixed chunk size) and the export of the span is the original bytes' slice. (The span
// receiver's check of the same walk: shared/market/piece-receiver.test.ts.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decode as decodePb } from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { createRng } from '../util/prng.ts'
import { referenceBlocks } from './test/reference-import.ts'
import { exportBytes } from './unixfs-export.ts'
import { type ByteSpan, preorderBlocks } from './unixfs-walk.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`unixfs-walk tests seed=${seed} (replay with SEED=${seed})`)

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

/** Pre-order, written here: a node, then each child's subtree in link order. */
const preOrder = async (root: CID, get: (c: CID) => Promise<Uint8Array>): Promise<string[]> => {
  const out: string[] = []
  const walk = async (cid: CID) => {
    out.push(cid.toString())
    if (cid.code === 0x70) for (const l of decodePb(await get(cid)).Links) await walk(l.Hash)
  }
  await walk(root)
  return out
}

const CHUNK = 1000

test('the whole walk is pre-order, a walk from block k is its tail, and only the last block is last', async () => {
  const bytes = createRng(seed).bytes(37_123)
  const { root, get } = await referenceBlocks(bytes, CHUNK, 4)
  const want = await preOrder(root, get)
  const all = await collect(preorderBlocks(root.toString(), get))
  assert.deepEqual(
    all.map((b) => b.cid),
    want,
  )
  assert.deepEqual(
    all.map((b) => b.last),
    want.map((_, i) => i === want.length - 1),
  )
  const k = 1 + createRng(seed + 1).int(want.length - 1)
  const tail = await collect(preorderBlocks(root.toString(), get, k))
  assert.deepEqual(
    tail.map((b) => b.cid),
    want.slice(k),
  )
})

test('a span walk carries exactly the leaves holding the span, and the export is the slice', async () => {
  const rng = createRng(seed + 2)
  const size = 37_123
  const bytes = rng.bytes(size)
  const { root, get } = await referenceBlocks(bytes, CHUNK, 4)
  for (let n = 0; n < 20; n++) {
    const from = rng.int(size)
    const to = Math.min(size, from + 1 + rng.int(n % 2 === 0 ? 3000 : size))
    const span: ByteSpan = [from, to]
    const walked = await collect(preorderBlocks(root.toString(), get, 0, span))
    const leaves = walked.filter((b) => b.cid.startsWith('bafkrei')).length
    assert.equal(
      leaves,
      Math.floor((to - 1) / CHUNK) - Math.floor(from / CHUNK) + 1,
      `leaves of [${from}, ${to})`,
    )
    const out = await exportBytes(root, get, { span })
    assert.deepEqual(out, bytes.subarray(from, to))
  }
})
