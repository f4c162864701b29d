// The retrieval service through its RPC method (guards included), on an in-memory network: C
// learns from A's signed announcement that A holds a file and fetches it whole and by range; the
// blob is the original bytes (by SHA-256), progress events climb to the size; C now holds the
// blocks, serves them, and D fetches from C alone; a forged announcement routes nothing, and with
// no holder the call fails `no_holder`; a bad range is `bad_params`.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { signAnnouncement } from '../../shared/retrieval/find-announcements.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { MemoryNet } from '../market/test-devices.ts'
import { codeOf } from '../wallet/test-kit.ts'
import { referenceFile, serviceNode } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`retrieval-service tests seed=${seed} (replay with SEED=${seed})`)
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

const node = async (peers: MemoryNet, peer: string, label: number) => {
  const { db, call, events, service } = await serviceNode(peers, peer)
  const key = nobleSigner(createRng(label).bytes(32))
  const announce = (cid: string) => signAnnouncement(key, { cid, peer, expires: Date.now() + 60_000 })
  return { db, call, events, service, announce }
}

test('fetched through the RPC from an announced holder, whole and by range; the fetcher then serves it', async () => {
  const f = await referenceFile(createRng(seed).bytes(1_200_000), 64 << 10, 6)
  const peers = new Map() as MemoryNet
  const [a, c, d] = [await node(peers, 'A', 1), await node(peers, 'C', 3), await node(peers, 'D', 4)]
  for (const b of f.blocks) await a.db.putBlock(b.cid, b.bytes, 'stored')
  assert.equal(await codeOf(c.call('retrieval.fetch', { cid: f.root })), 'no_holder')
  const forged = { ...(await a.announce(f.root)), peer: 'A-but-elsewhere' }
  assert.equal(await c.service.offerAnnouncement(forged), 'bad_signature')
  assert.equal(await c.service.offerAnnouncement(await a.announce(f.root)), 'added')
  assert.deepEqual(c.service.holders(f.root), ['A'])

  const part = await c.call('retrieval.fetch', { cid: f.root, range: { offset: 70_000, length: 200_000 } })
  assert.equal(part.bytes, 200_000)
  assert.equal(sha(new Uint8Array(await part.blob.arrayBuffer())), sha(f.bytes.subarray(70_000, 270_000)))
  const whole = await c.call('retrieval.fetch', { cid: f.root })
  assert.deepEqual([whole.size, whole.bytes], [1_200_000, 1_200_000])
  assert.equal(sha(new Uint8Array(await whole.blob.arrayBuffer())), sha(f.bytes))
  const last = c.events.filter((e) => e.event === 'retrieval').at(-1)?.data as {
    bytes: number
    total: number
  }
  assert.deepEqual([last.bytes, last.total], [1_200_000, 1_200_000])

  // C caches and announces; D fetches from C alone
  assert.equal(await d.service.offerAnnouncement(await c.announce(f.root)), 'added')
  const fromC = await d.call('retrieval.fetch', { cid: f.root })
  assert.equal(sha(new Uint8Array(await fromC.blob.arrayBuffer())), sha(f.bytes))
  assert.deepEqual(
    fromC.servers.map((s) => s.peer),
    ['C'],
  )
  assert.equal(
    await codeOf(c.call('retrieval.fetch', { cid: f.root, range: { offset: -1, length: 5 } })),
    'bad_params',
  )
})
