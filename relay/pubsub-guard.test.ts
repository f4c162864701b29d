// The relay's pubsub guard against real libp2p clients: bad frames are dropped and counted
// while the sender's honest messages keep flowing on the same stream; a broken stream is
// restarted without a hang-up; only a peer that keeps breaking its streams is hung up on.
import assert from 'node:assert/strict'
import type { Stream } from '@libp2p/interface'
import { after, before, describe, test } from 'node:test'
import { topicFor } from '../shared/net/topics.ts'
import { MAX_PUBSUB_FRAME_BYTES } from './p2p.ts'
import { PUBSUB_RESTARTS_PER_WINDOW } from './pubsub-restarts.ts'
import { type RelayHandle, startRelay } from './server.ts'
import { type Client, createClient, dial, sleep, waitFor } from './testing/helpers.ts'

const NETWORK = 'guardtest'
const topic = topicFor(NETWORK, 'ledger')

/** The client's gossipsub stream to the relay, as raw bytes (what a hostile peer can write). */
const outboundTo = (c: Client, relay: RelayHandle): Stream | undefined =>
  (
    c.services.pubsub as unknown as { streamsOutbound: Map<string, { rawStream: Stream }> }
  ).streamsOutbound.get(relay.peerId)?.rawStream

const varint = (n: number): number[] => {
  const out: number[] = []
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) return [...out, v]
    out.push((v % 128) | 128)
  }
}

describe('relay pubsub guard', () => {
  let relay: RelayHandle
  let a: Client
  let b: Client
  const received: string[] = []
  const clients: Client[] = []
  const disconnects: string[] = []

  /** Publishes from `from` until `to` has the message (a restarted stream takes a moment). */
  const deliver = async (from: Client, text: string) => {
    await waitFor(`"${text}" delivered`, async () => {
      await from.services.pubsub.publish(topic, new TextEncoder().encode(text)).catch(() => undefined)
      await sleep(150)
      return received.includes(text)
    })
  }

  before(async () => {
    relay = await startRelay({
      port: 0,
      network: NETWORK,
      log: (l) => l.includes('disconnect') && disconnects.push(l),
    })
    a = await createClient()
    b = await createClient()
    clients.push(a, b)
    for (const c of [a, b]) c.services.pubsub.subscribe(topic)
    b.services.pubsub.addEventListener('message', (e) =>
      received.push(new TextDecoder().decode(e.detail.data)),
    )
    await dial(a, relay.multiaddrs[0]!)
    await dial(b, relay.multiaddrs[0]!)
    await deliver(a, 'warm-up')
  })
  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay.stop()
  })

  test('an oversized and an undecodable frame are dropped and counted; the same stream still carries honest messages', async () => {
    const connection = a.getConnections()[0]!
    const stream = outboundTo(a, relay)
    assert.ok(stream)
    const oversized = MAX_PUBSUB_FRAME_BYTES + 1024
    stream.send(Uint8Array.from(varint(oversized)))
    for (let sent = 0; sent < oversized; sent += 64 * 1024) {
      if (!stream.send(new Uint8Array(Math.min(64 * 1024, oversized - sent)))) await sleep(5)
    }
    // a protobuf field 1 claiming 100 bytes of which 2 follow: gossipsub cannot decode it
    stream.send(Uint8Array.from([4, 0x0a, 100, 1, 2]))
    await deliver(a, 'after-bad-frames')
    const counts = relay.counters().pubsub
    assert.equal(counts.droppedFrames, 1)
    assert.equal(counts.malformedRpcs, 1)
    assert.equal(counts.streamRestarts, 0)
    assert.equal(counts.hangUps, 0)
    assert.equal(outboundTo(a, relay), stream, 'the same stream carried the honest message')
    assert.equal(a.getConnections()[0], connection)
    assert.equal(relay.connections(), 2)
    assert.deepEqual(disconnects, [])
  })

  test('a broken pubsub stream is restarted on the same connection, without a hang-up', async () => {
    const connection = a.getConnections()[0]!
    const stream = outboundTo(a, relay)
    assert.ok(stream)
    // what a sender's gossipsub does when its outbound buffer overflows during a flood
    stream.abort(new Error('test: write buffer full'))
    await waitFor('restart', () => relay.counters().pubsub.streamRestarts === 1)
    await deliver(a, 'after-restart')
    assert.notEqual(outboundTo(a, relay), stream, 'a fresh stream')
    assert.equal(a.getConnections()[0], connection)
    assert.equal(connection.status, 'open')
    assert.equal(relay.counters().pubsub.hangUps, 0)
    assert.deepEqual(disconnects, [])
  })

  test(`a peer that breaks its streams more than ${PUBSUB_RESTARTS_PER_WINDOW} times a window is hung up on, and may come back`, async () => {
    const c = await createClient()
    clients.push(c)
    c.services.pubsub.subscribe(topic)
    await dial(c, relay.multiaddrs[0]!)
    await deliver(c, 'c-warm-up')
    const before = relay.counters().pubsub.streamRestarts
    for (let i = 1; i <= PUBSUB_RESTARTS_PER_WINDOW; i++) {
      const stream = outboundTo(c, relay)
      assert.ok(stream)
      stream.abort(new Error('test: broken again'))
      await waitFor(`restart ${i}`, () => relay.counters().pubsub.streamRestarts === before + i)
      await waitFor(`fresh stream ${i}`, () => (outboundTo(c, relay) ?? stream) !== stream)
    }
    outboundTo(c, relay)?.abort(new Error('test: once too often'))
    await waitFor('hang-up', () => relay.counters().pubsub.hangUps === 1 && c.getConnections().length === 0)
    assert.equal(relay.connections(), 2, 'a and b stay')
    await dial(c, relay.multiaddrs[0]!)
    await deliver(c, 'c-back')
  })
})
