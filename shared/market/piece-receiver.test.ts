// The deal-data receiver against files built by the reference importer (ipfs-unixfs-importer):
// fed its blocks in pre-order, it must rebuild exactly the original bytes at the right offsets,
// survive a save and restore between any two blocks, and refuse (without moving) a block that is
// forged, out of order, or from a tree whose sizes lie. For retrieval: a root of unknown size
// takes what it declares, and a span receiver takes the shared walk pruned to the span (and
// refuses a leaf outside it) with the file bytes of the span at their offsets.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sha256 } from '@noble/hashes/sha2.js'
import { encode as encodePb, prepare } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { referenceBlocks } from '../storage/test/reference-import.ts'
import { createRng } from '../util/prng.ts'
import { preorderBlocks } from '../storage/unixfs-walk.ts'
import {
  type PieceReceiverState,
  pendingSpans,
  receiveBlock,
  receiverDone,
  startReceiver,
  UNKNOWN_SIZE,
} from './piece-receiver.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`piece-receiver tests seed=${seed} (replay with SEED=${seed})`)
const hash = (b: Uint8Array) => sha256(b)

/** Pre-order walk written here (links read with the reference dag-pb codec). */
const preOrder = async (root: CID, get: (c: CID) => Promise<Uint8Array>): Promise<Uint8Array[]> => {
  const { decode } = await import('@ipld/dag-pb')
  const out: Uint8Array[] = []
  const walk = async (cid: CID) => {
    const b = await get(cid)
    out.push(b)
    if (cid.code === 0x70) for (const l of decode(b).Links) await walk(l.Hash)
  }
  await walk(root)
  return out
}

const feed = (s: PieceReceiverState, blocks: Uint8Array[], into: Uint8Array) => {
  for (const b of blocks) {
    const r = receiveBlock(s, b, hash)
    assert.ok(r.ok, `block ${s.blocks}: ${!r.ok && r.error.code}`)
    into.set(r.value.data, s.offset)
    s = r.value.state
  }
  return s
}

test('rebuilds deep and flat files byte for byte, across a save and restore at a random block', async () => {
  const rng = createRng(seed)
  for (const [size, chunk, children] of [
    [50_000, 1024, 4],
    [10_000, 1000, 3],
    [4096, 4096, 1024],
    [1, 1024, 4],
  ] as const) {
    const bytes = rng.bytes(size)
    const { root, get } = await referenceBlocks(bytes, chunk, children)
    const blocks = await preOrder(root, get)
    const out = new Uint8Array(size)
    const cut = rng.int(blocks.length + 1)
    let s = feed(startReceiver(root.toString(), size), blocks.slice(0, cut), out)
    s = JSON.parse(JSON.stringify(s)) as PieceReceiverState
    s = feed(s, blocks.slice(cut), out)
    assert.ok(receiverDone(s), `size ${size}: all blocks taken`)
    assert.equal(s.offset, size)
    assert.equal(s.blocks, blocks.length)
    assert.deepEqual(out, bytes, `size ${size}, cut at ${cut}`)
    assert.equal(receiveBlock(s, blocks[0]!, hash).ok, false, 'nothing after the last block')
  }
})

test('refuses a changed block, a block out of order and a wrong file size, and stays where it was', async () => {
  const rng = createRng(seed + 1)
  const bytes = rng.bytes(20_000)
  const { root, get } = await referenceBlocks(bytes, 1024, 4)
  const blocks = await preOrder(root, get)
  const s0 = startReceiver(root.toString(), bytes.length)
  const s1 = feed(s0, blocks.slice(0, 2), new Uint8Array(bytes.length))
  const changed = Uint8Array.from(blocks[2]!)
  changed[rng.int(changed.length)]! ^= 1
  for (const [bad, code] of [
    [changed, 'hash_mismatch'],
    [blocks[3]!, 'hash_mismatch'],
  ] as const) {
    const r = receiveBlock(s1, bad, hash)
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.error.code, code)
    assert.equal(!r.ok && r.error.block, 2)
  }
  assert.equal(s1.blocks, 2, 'the state did not move')
  const wrongSize = receiveBlock(startReceiver(root.toString(), bytes.length + 1), blocks[0]!, hash)
  assert.equal(!wrongSize.ok && wrongSize.error.code, 'bad_block')
})

const cidOf = (codec: number, b: Uint8Array) => CID.createV1(codec, Digest.create(0x12, sha256(b)))

test('a node whose sizes lie is refused where the lie shows, before any byte beyond the deal', () => {
  const leaf = new Uint8Array([1, 2, 3, 4, 5])
  // the node claims 10 file bytes under a leaf that holds 5
  const fs = new UnixFS({ type: 'file', blockSizes: [10n] })
  const node = encodePb(prepare({ Data: fs.marshal(), Links: [{ Hash: cidOf(0x55, leaf), Tsize: 5 }] }))
  const root = cidOf(0x70, node)
  const first = receiveBlock(startReceiver(root.toString(), 10), node, hash)
  assert.ok(first.ok)
  const second = receiveBlock(first.value.state, leaf, hash)
  assert.equal(!second.ok && second.error.code, 'bad_block')
  // and a deal for fewer bytes than the node claims refuses the node itself
  assert.equal(receiveBlock(startReceiver(root.toString(), 5), node, hash).ok, false)
  // a directory is not a file
  const dir = encodePb(prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: [] }))
  const r = receiveBlock(startReceiver(cidOf(0x70, dir).toString(), 0), dir, hash)
  assert.equal(!r.ok && r.error.code, 'not_a_file')
})

test('a root of unknown size takes what it declares; a span receiver takes the pruned walk and the span bytes', async () => {
  const rng = createRng(seed + 2)
  const size = 37_123
  const bytes = rng.bytes(size)
  const { root, get } = await referenceBlocks(bytes, 1000, 4)
  const all = await preOrder(root, get)
  const whole = feed(startReceiver(root.toString(), UNKNOWN_SIZE), all, new Uint8Array(size))
  assert.ok(receiverDone(whole))
  assert.equal(whole.offset, size)
  for (let n = 0; n < 20; n++) {
    const from = rng.int(size)
    const to = Math.min(size, from + 1 + rng.int(n % 2 === 0 ? 3000 : size))
    const out = new Uint8Array(size)
    let s = startReceiver(root.toString(), n % 3 === 0 ? UNKNOWN_SIZE : size, [from, to])
    const first = s
    for await (const b of preorderBlocks(root.toString(), get, 0, [from, to])) {
      const r = receiveBlock(s, b.bytes, hash)
      assert.ok(r.ok, `block ${s.blocks} of [${from}, ${to}): ${!r.ok && r.error.code}`)
      out.set(r.value.data, r.value.state.offset - r.value.data.length)
      s = r.value.state
      if (s.blocks === 1) assert.ok(pendingSpans(s).every((e) => e.start < to && e.start + e.size > from))
    }
    assert.ok(receiverDone(s))
    assert.deepEqual(out.subarray(from, to), bytes.subarray(from, to), `[${from}, ${to})`)
    // a leaf outside the span is refused: the file's last leaf (bytes 37000 on), when the span ends before it
    if (to <= size - (size % 1000)) {
      const afterRoot = receiveBlock(first, all[0]!, hash)
      assert.ok(afterRoot.ok)
      const r = receiveBlock(afterRoot.value.state, all.at(-1)!, hash)
      assert.equal(!r.ok && r.error.code, 'hash_mismatch')
    }
  }
})
