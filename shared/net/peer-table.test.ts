import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PeerIdString } from './peer-id.ts'
import { createPeerTable } from './peer-table.ts'

const id = (n: number) => `12D3KooPeer${n}` as PeerIdString
const hb = (seq: number) => ({
  seq,
  addrs: ['/ip4/1.2.3.4/p2p-circuit/webrtc'],
  role: 'watcher' as const,
  ledgerSeq: 0,
})

test('replayed heartbeats are refused and self is never a peer', () => {
  const t = createPeerTable(id(0))
  assert.equal(t.heard(id(1), hb(5), 0), true)
  assert.equal(t.heard(id(1), hb(5), 1), false)
  assert.equal(t.heard(id(1), hb(4), 1), false)
  assert.equal(t.heard(id(0), hb(9), 1), false)
  assert.equal(t.get(id(1))?.heartbeats, 1)
})

test('the table stays bounded and keeps connected peers over silent ones', () => {
  const t = createPeerTable(id(0), { maxPeers: 3, forgetAfterMs: 1000 })
  t.setConnections([{ peerId: id(1), transports: ['relay', 'webrtc'] }], 0)
  for (let i = 2; i < 10; i++) t.heard(id(i), hb(1), i)
  assert.equal(t.list().length, 3)
  assert.equal(t.get(id(1))?.transport, 'webrtc')
  t.prune(5000)
  assert.deepEqual(
    t.list().map((e) => e.peerId),
    [id(1)],
  )
})

test('dial candidates back off and stop at the direct-peer limit', () => {
  const t = createPeerTable(id(0))
  t.heard(id(1), hb(1), 0)
  t.heard(id(2), hb(1), 0)
  assert.equal(t.dialCandidates(10_000, 8).length, 2)
  t.markDialed(id(1), 10_000)
  assert.deepEqual(
    t.dialCandidates(10_500, 8).map((e) => e.peerId),
    [id(2)],
  )
  t.setConnections([{ peerId: id(2), transports: ['webrtc'] }], 10_500)
  assert.deepEqual(t.dialCandidates(10_500, 1), [])
})
