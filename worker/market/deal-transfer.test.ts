// `/watt/deal/1` between a pusher and a receiver on an in-memory network that can drop requests:
// the provider ends with exactly the file's bytes at their offsets (the original bytes are the
// reference), a push cut by drops or by the provider's reload resumes where it stopped instead
// of starting over, a forged block is refused with its code and writes nothing, and one peer
// cannot hold more than its share of the receiver.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PieceReceiverState } from '../../shared/market/piece-receiver.ts'
import { noble256 } from '../../shared/storage/hash.ts'
import { referenceBlocks } from '../../shared/storage/test/reference-import.ts'
import { createRng } from '../../shared/util/prng.ts'
import { createDealPusher } from './deal-push.ts'
import { createDealReceiver, MAX_REQUESTS_PER_PEER } from './deal-receive.ts'
import { type DealNet, decodeDealAnswer, encodeDealBlocks } from './deal-wire.ts'
import type { ReceiverHooks } from './provider-deals.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`deal-transfer tests seed=${seed} (replay with SEED=${seed})`)

const file = async (size: number, s: number) => {
  const bytes = createRng(s).bytes(size)
  const { root, get, reads } = await referenceBlocks(bytes, 64 << 10, 6)
  return { bytes, cid: root.toString(), getBlock: (cid: string) => get(cid), reads }
}

/** A provider's disk: the sector bytes and the saved transfer state, surviving a receiver reload. */
const providerDisk = (cid: string, size: number) => {
  const sector = new Uint8Array(size)
  let saved: PieceReceiverState | undefined
  let done = false
  let gate: Promise<void> = Promise.resolve()
  const hooks: ReceiverHooks = {
    expect: async () => {
      await gate
      return { cid, size, ...(saved ? { receiver: saved } : {}) }
    },
    write: async (_d, _r, offset, bytes) => {
      sector.set(bytes, offset)
    },
    keep: async () => {},
    save: async (_d, _r, s) => {
      saved = JSON.parse(JSON.stringify(s)) as PieceReceiverState
    },
    done: async () => {
      done = true
    },
  }
  return { hooks, sector, isDone: () => done, hold: (p: Promise<void>) => (gate = p) }
}

/** A network to one receiver whose requests fail when `drop(n)` says so (n counts requests). */
const lossyNet = (handle: () => ReturnType<typeof createDealReceiver>, drop: (n: number) => boolean) => {
  let n = 0
  let dropped = 0
  const net: DealNet = {
    request: async (_p, _proto, data) => {
      if (drop(n++)) {
        dropped++
        return { ok: false, error: 'stream reset' }
      }
      return { ok: true, data: await handle().onRequest({ peerId: 'client', data }), transport: 'webrtc' }
    },
    handle: () => {},
  }
  return { net, requests: () => n, dropped: () => dropped }
}

const push = (net: DealNet, f: Awaited<ReturnType<typeof file>>, progress: number[] = []) =>
  createDealPusher(net)({
    peerId: 'provider',
    deal: 1,
    replica: 0,
    cid: f.cid,
    getBlock: f.getBlock,
    onProgress: (sent) => progress.push(sent),
  })

test('the provider holds the exact file after a push, and progress climbs to its size', async () => {
  const f = await file(3_000_000, seed)
  const disk = providerDisk(f.cid, f.bytes.length)
  const receiver = createDealReceiver({ hooks: disk.hooks, hash: () => noble256 })
  const progress: number[] = []
  const res = await push(
    lossyNet(
      () => receiver,
      () => false,
    ).net,
    f,
    progress,
  )
  assert.deepEqual(res, { ok: true, transport: 'webrtc' })
  assert.ok(disk.isDone())
  assert.deepEqual(disk.sector, f.bytes)
  assert.deepEqual(
    [...progress].sort((a, b) => a - b),
    progress,
    'progress never goes back',
  )
  assert.equal(progress.at(-1), f.bytes.length)
})

test('drops and a provider reload cost a retry each, not a restart', async () => {
  const f = await file(2_000_000, seed + 1)
  const disk = providerDisk(f.cid, f.bytes.length)
  let receiver = createDealReceiver({ hooks: disk.hooks, hash: () => noble256 })
  const rng = createRng(seed + 2)
  const { net, requests, dropped } = lossyNet(
    () => receiver,
    () => rng.int(4) === 0,
  )
  let tries = 0
  for (; tries < 40 && !disk.isDone(); tries++) {
    if (tries % 3 === 2) receiver = createDealReceiver({ hooks: disk.hooks, hash: () => noble256 })
    await push(net, f)
  }
  assert.ok(disk.isDone(), `done within ${tries} pushes`)
  assert.deepEqual(disk.sector, f.bytes)
  // ~2 MB in batches of 1 MiB: 3 batches; every try adds one "where are you?" probe
  assert.ok(requests() <= 3 * tries + 3, `${requests()} requests in ${tries} tries`)
  // a leaf is read again only when the batch that carried it was dropped (16 leaves a batch)
  const leafReads = f.reads.filter((c) => c.startsWith('bafkrei'))
  const leaves = new Set(leafReads).size
  assert.ok(leafReads.length <= leaves + 16 * dropped(), `${leafReads.length} leaf reads, ${dropped()} drops`)
})

test('a forged block is refused with its code and nothing of it is written', async () => {
  const f = await file(500_000, seed + 3)
  const disk = providerDisk(f.cid, f.bytes.length)
  const receiver = createDealReceiver({ hooks: disk.hooks, hash: () => noble256 })
  const forged = {
    ...f,
    getBlock: async (cid: string) => {
      const b = await f.getBlock(cid)
      if (b.length < 64 << 10) return b
      const c = Uint8Array.from(b)
      c[7]! ^= 0xff
      return c
    },
  }
  const res = await push(
    lossyNet(
      () => receiver,
      () => false,
    ).net,
    forged,
  )
  assert.deepEqual(res, { ok: false, error: { code: 'hash_mismatch' } })
  assert.ok(!disk.isDone())
  assert.ok(
    disk.sector.every((x) => x === 0),
    'no forged byte reached the sector',
  )
  const junk = await receiver.onRequest({ peerId: 'x', data: new Uint8Array([0xa1, 0x61]) })
  assert.deepEqual(decodeDealAnswer(junk), { t: 'refused', code: 'bad_message' })
})

test('one peer gets at most its share of the receiver at once', async () => {
  const f = await file(200_000, seed + 4)
  const disk = providerDisk(f.cid, f.bytes.length)
  const receiver = createDealReceiver({ hooks: disk.hooks, hash: () => noble256 })
  const leaf = await f.getBlock(f.cid)
  let release = () => {}
  disk.hold(new Promise((r) => (release = r)))
  const ask = (replica: number, peerId: string) =>
    receiver
      .onRequest({ peerId, data: encodeDealBlocks({ deal: 1, replica, from: 0, blocks: [leaf] }) })
      .then((a) => decodeDealAnswer(a))
  const held = Array.from({ length: MAX_REQUESTS_PER_PEER }, (_, i) => ask(i, 'greedy'))
  const over = await ask(9, 'greedy')
  assert.deepEqual(over, { t: 'refused', code: 'busy' })
  const sameReplica = await ask(0, 'other')
  assert.deepEqual(sameReplica, { t: 'refused', code: 'busy' }, 'one request at a time per replica')
  release()
  for (const a of await Promise.all(held)) assert.equal(a?.t, 'at')
})
