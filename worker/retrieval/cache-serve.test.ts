// The retrieval miner through the real service on the in-memory network: C fetches a file from B;
// with serving off C refuses it to D (not_found) and announces nothing; turned on, C announces it
// on gossip, D takes the announcement and fetches from C alone; the budget shrunk to 0 evicts it at
// once and it is not announced again; bad serve params are `bad_params`.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signAnnouncement } from '../../shared/retrieval/find-announcements.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { MemoryNet } from '../market/test-devices.ts'
import { codeOf } from '../wallet/test-kit.ts'
import { minerNode as node, referenceFile, type Sub } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`cache-serve tests seed=${seed} (replay with SEED=${seed})`)

test('the cache is served and announced only while serving is on, and not after eviction', async () => {
  const f = await referenceFile(createRng(seed).bytes(300_000), 64 << 10, 4)
  const peers = new Map() as MemoryNet
  const subs = new Map<string, Sub>()
  const [b, c, d] = [
    await node(peers, subs, 'B', 2),
    await node(peers, subs, 'C', 3),
    await node(peers, subs, 'D', 4),
  ]
  try {
    for (const x of f.blocks) await b.db.putBlock(x.cid, x.bytes, 'imp-b')
    const fromB = await signAnnouncement(b.signer, { cid: f.root, peer: 'B', expires: Date.now() + 60_000 })
    assert.equal(await c.service.offerAnnouncement(fromB), 'added')
    await c.call('retrieval.serve.set', { enabled: false, budgetBytes: 1 << 20, pricePerByte: '0' })
    await c.call('retrieval.fetch', { cid: f.root })
    const stats = await c.call('retrieval.serve.get')
    assert.equal(stats.items, 1)
    assert.equal(c.published.length, 0)
    // serving off: D told of C alone is refused
    const fromC = await signAnnouncement(c.signer, { cid: f.root, peer: 'C', expires: Date.now() + 60_000 })
    assert.equal(await d.service.offerAnnouncement(fromC), 'added')
    assert.equal(await codeOf(d.call('retrieval.fetch', { cid: f.root })), 'all_failed')
    // serving on: C announces over gossip, D serves from C
    const on = await c.call('retrieval.serve.set', { enabled: true, budgetBytes: 1 << 20, pricePerByte: '7' })
    assert.deepEqual([on.enabled, on.pricePerByte, c.service.miner?.priceOf(f.root)], [true, '7', 7n])
    assert.equal(c.published.length, 1)
    assert.deepEqual(d.service.holders(f.root), ['C'])
    const got = await d.call('retrieval.fetch', { cid: f.root })
    assert.equal(got.size, 300_000)
    // nothing due again right away; evicted at once by a zero budget, never announced again
    await c.service.miner?.tick()
    assert.equal(c.published.length, 1)
    const off = await c.call('retrieval.serve.set', { enabled: true, budgetBytes: 0, pricePerByte: '7' })
    assert.deepEqual([off.items, off.usedBytes], [0, 0])
    await c.service.miner?.tick()
    assert.equal(c.published.length, 1)
    await c.service.miner?.recordEarned(5n)
    assert.equal((await c.call('retrieval.serve.get')).earned, '5')
    for (const bad of [
      { enabled: 'yes', budgetBytes: 1, pricePerByte: '1' },
      { enabled: true, budgetBytes: -1, pricePerByte: '1' },
      { enabled: true, budgetBytes: 1, pricePerByte: '01' },
      { enabled: true, budgetBytes: 1, pricePerByte: 1 },
    ])
      assert.equal(await codeOf(c.call('retrieval.serve.set', bad)), 'bad_params')
  } finally {
    for (const n of [b, c, d]) await n.service.stop()
  }
})
