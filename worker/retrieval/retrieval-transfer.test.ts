// `/watt/retrieve/1` between in-memory devices (test-holders.ts), files from the reference
// importer, expected values from the original bytes (their SHA-256) and the reference blocks:
// C fetches a file held by A and B from both at once and it comes back byte-identical; a server
// that corrupts a block is caught at that block, is credited only for the blocks before it, and C
// completes from the other; a stalled server is dropped after the timeout; a reordered or foreign
// block is refused and nothing of it is stored, and a later fetch resumes; a byte range comes back
// exactly, with only the leaves holding it fetched.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { CID } from 'multiformats/cid'
import { exportBytes } from '../../shared/storage/unixfs-export.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { MemoryNet } from '../market/test-devices.ts'
import type { FetchProgress } from './fetcher.ts'
import { holderDevice, lie, referenceFile, stallAfter, type RefFile } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`retrieval-transfer tests seed=${seed} (replay with SEED=${seed})`)

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const sum = (xs: readonly { bytes: Uint8Array }[]) => xs.reduce((n, x) => n + x.bytes.length, 0)

/** Three devices: A and B hold the file, C fetches it. */
const setup = async (f: RefFile, o: Parameters<typeof holderDevice>[2] = {}) => {
  const peers = new Map() as MemoryNet
  const [a, b, c] = ['A', 'B', 'C'].map((p) => holderDevice(peers, p, o))
  await a!.hold(f)
  await b!.hold(f)
  return { peers, a: a!, b: b!, c: c! }
}

const readBack = (c: ReturnType<typeof holderDevice>, f: RefFile, span?: readonly [number, number]) =>
  exportBytes(CID.parse(f.root), (cid) => c.db.getBlock(cid.toString()), span ? { span } : {})

test('C fetches a file from A and B in parallel; it comes back byte-identical, every block verified once', async () => {
  const f = await referenceFile(createRng(seed).bytes(3_000_000), 64 << 10, 6)
  const { a, b, c } = await setup(f)
  const seen: FetchProgress[] = []
  const res = await c.fetch({ cid: f.root, servers: ['A', 'B'], onProgress: (p) => seen.push(p) })
  assert.ok(res.ok, JSON.stringify(!res.ok && res.error))
  assert.equal(sha(await readBack(c, f)), sha(f.bytes))
  assert.equal(res.value.size, 3_000_000)
  assert.equal(res.value.blocks, f.blocks.length)
  const [ra, rb] = res.value.servers
  assert.ok(ra!.verifiedBytes > 0 && rb!.verifiedBytes > 0, 'both served')
  assert.equal(ra!.verifiedBytes + rb!.verifiedBytes, sum(f.blocks), 'each block once')
  assert.equal(a.server.served('C') + b.server.served('C'), sum(f.blocks), 'nothing served twice')
  for (const blk of f.blocks) assert.ok(await c.db.getBlock(blk.cid), `C holds ${blk.cid}`)
  assert.deepEqual(
    seen.map((p) => p.bytes),
    [...seen.map((p) => p.bytes)].sort((x, y) => x - y),
  )
  assert.deepEqual(
    seen.at(-1) && [seen.at(-1)!.bytes, seen.at(-1)!.total, seen.at(-1)!.peers],
    [3_000_000, 3_000_000, 2],
  )
})

/** Makes A flip a bit of the `bad`-th block it sends in its answers from the `fromAnswer`-th on. */
const corruptOne = (peers: MemoryNet, f: RefFile, fromAnswer: number, bad: number) => {
  let sent = 0
  const seen = { honestBefore: 0, cid: '' }
  lie(peers, 'A', (ans, n) => {
    if (ans.t !== 'blocks') return ans
    const blocks = ans.blocks.map((blk) => {
      if (n < fromAnswer || sent++ !== bad) {
        if (!seen.cid) seen.honestBefore += blk.length
        return blk
      }
      seen.cid = f.blocks.find((x) => sha(x.bytes) === sha(blk))!.cid
      const copy = Uint8Array.from(blk)
      copy[copy.length >> 1]! ^= 0x01
      return copy
    })
    return { ...ans, blocks }
  })
  return seen
}

test('a server that corrupts a block is caught at it, is not credited for it, and C completes from the other', async () => {
  const rng = createRng(seed + 1)
  const f = await referenceFile(rng.bytes(2_000_000), 64 << 10, 6)
  // in the root's first answer (about 1 MiB: 18 blocks here), and in the subtrees A was given after it
  // (3 leaves of the 6 subtrees left: 31 leaves under 6 nodes of 6 links)
  for (const [fromAnswer, bad] of [
    [0, 1 + rng.int(12)],
    [1, rng.int(3)],
  ] as const) {
    const { peers, c } = await setup(f)
    const seen = corruptOne(peers, f, fromAnswer, bad)
    const res = await c.fetch({ cid: f.root, servers: ['A', 'B'] })
    assert.ok(res.ok, JSON.stringify(!res.ok && res.error))
    const [ra, rb] = res.value.servers
    assert.ok(seen.cid, 'A sent the bad block')
    assert.deepEqual(
      [ra!.fault?.code, (ra!.fault as { reason?: string }).reason],
      ['bad_block', 'hash_mismatch'],
    )
    assert.equal(ra!.verifiedBytes, seen.honestBefore, 'A is credited for the blocks before the bad one only')
    assert.equal(rb!.fault, undefined)
    assert.equal(ra!.verifiedBytes + rb!.verifiedBytes, sum(f.blocks))
    const good = f.blocks.find((x) => x.cid === seen.cid)!
    assert.equal(sha((await c.db.getBlock(seen.cid))!), sha(good.bytes), 'the block stored is the good one')
    assert.equal(sha(await readBack(c, f)), sha(f.bytes))
  }
})

test('a server that stalls is abandoned after the timeout and B finishes', async () => {
  const f = await referenceFile(createRng(seed + 3).bytes(1_500_000), 64 << 10, 6)
  const { peers, c } = await setup(f)
  stallAfter(peers, 'A', 1)
  const t0 = Date.now()
  const res = await c.fetch({ cid: f.root, servers: ['A', 'B'] })
  assert.ok(res.ok, JSON.stringify(!res.ok && res.error))
  assert.equal(res.value.servers[0]!.fault?.code, 'stalled')
  assert.ok(Date.now() - t0 < 5_000, 'one timeout (200 ms), not a hang')
  assert.equal(sha(await readBack(c, f)), sha(f.bytes))
})

test('a reordered or foreign block is refused and not stored; a later fetch resumes from what was verified', async () => {
  const f = await referenceFile(createRng(seed + 4).bytes(1_000_000), 16 << 10, 8)
  const other = await referenceFile(createRng(seed + 5).bytes(40_000), 16 << 10, 8)
  for (const [name, edit] of [
    ['reordered', (bs: readonly Uint8Array[]) => [bs[1]!, bs[0]!, ...bs.slice(2)]],
    ['foreign', (bs: readonly Uint8Array[]) => [bs[0]!, other.blocks[1]!.bytes, ...bs.slice(1)]],
  ] as const) {
    const { peers, b, c } = await setup(f)
    let answers = 0 // the second answer with blocks (an ask's answer comes between)
    lie(peers, 'A', (ans) =>
      ans.t === 'blocks' && answers++ === 1 && ans.blocks.length > 2
        ? { ...ans, blocks: edit(ans.blocks) }
        : ans,
    )
    const res = await c.fetch({ cid: f.root, servers: ['A'] })
    assert.ok(!res.ok, name)
    assert.equal(res.error.code, 'all_failed')
    assert.equal(res.error.servers?.[0]?.fault?.code, 'bad_block', name)
    assert.equal(await c.db.getBlock(other.blocks[1]!.cid), undefined, `${name}: nothing foreign stored`)
    const held = await c.db.blockBytes()
    assert.ok(held > 0, `${name}: the good blocks before it were kept`)
    const again = await c.fetch({ cid: f.root, servers: ['B'] })
    assert.ok(again.ok, name)
    assert.equal(b.server.served('C'), sum(f.blocks) - held, `${name}: B sends only what C lacks`)
    assert.equal(sha(await readBack(c, f)), sha(f.bytes))
  }
})

test('a byte range comes back exactly, with only the leaves that hold it fetched', async () => {
  const rng = createRng(seed + 6)
  const CHUNK = 1000
  const f = await referenceFile(rng.bytes(200_000), CHUNK, 4)
  for (let n = 0; n < 6; n++) {
    const { c } = await setup(f)
    const offset = rng.int(200_000)
    const length = 1 + rng.int(n % 2 === 0 ? 5_000 : 200_000 - offset)
    const res = await c.fetch({ cid: f.root, servers: ['A', 'B'], range: { offset, length } })
    assert.ok(res.ok, JSON.stringify(!res.ok && res.error))
    const end = Math.min(200_000, offset + length)
    assert.equal(res.value.bytes, end - offset)
    const got = await readBack(c, f, [offset, end])
    assert.equal(sha(got), sha(f.bytes.subarray(offset, end)))
    const leaves = Math.floor((end - 1) / CHUNK) - Math.floor(offset / CHUNK) + 1
    const stored = []
    for (const blk of f.blocks)
      if (blk.cid.startsWith('bafkrei') && (await c.db.getBlock(blk.cid))) stored.push(blk)
    assert.equal(stored.length, leaves, `[${offset}, ${end}): only the leaves holding it`)
  }
})
