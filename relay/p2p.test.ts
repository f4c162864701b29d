import assert from 'node:assert/strict'
import type { Libp2p } from '@libp2p/interface'
import { after, before, describe, test } from 'node:test'
import { MAX_TOPIC_MESSAGE_BYTES, topicFor } from '../shared/net/topics.ts'
import { createRng } from '../shared/util/prng.ts'
import { RELAY_LIMITS, type RelayHandle, startRelay } from './server.ts'
import {
  type Client,
  createCircuitClient,
  createClient,
  dial,
  getJson,
  rawTcp,
  sleep,
  waitFor,
} from './testing/helpers.ts'

const healthConnections = async (relay: RelayHandle): Promise<number> =>
  ((await getJson(relay.httpUrl, '/health')).json as { connections: number }).connections

const wsPortOf = (relay: RelayHandle): number =>
  Number(/\/tcp\/(\d+)\/ws/.exec(relay.multiaddrs[0] ?? '')?.[1])

describe('relay libp2p', () => {
  let relay: RelayHandle
  const clients: Libp2p[] = []
  const newClient = async (): Promise<Client> => {
    const c = await createClient()
    clients.push(c)
    return c
  }

  before(async () => {
    relay = await startRelay({ port: 0, wsPort: 0, network: 'p2ptest', log: () => undefined })
  })
  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay.stop()
  })

  test('a dialing client shows up in /health connections and leaves it when it hangs up', async () => {
    const c = await createClient()
    await dial(c, relay.multiaddrs[0]!)
    await waitFor('connection counted', async () => (await healthConnections(relay)) === 1)
    assert.equal(relay.connections(), 1)
    await c.stop()
    await waitFor('connection gone', async () => (await healthConnections(relay)) === 0)
  })

  test('a heartbeat published by one client reaches another through the relay; oversized ones do not', async () => {
    const topic = topicFor('p2ptest', 'heartbeat')
    const a = await newClient()
    const b = await newClient()
    a.services.pubsub.subscribe(topic)
    b.services.pubsub.subscribe(topic)
    const received: Uint8Array[] = []
    b.services.pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === topic) received.push(e.detail.data)
    })
    await dial(a, relay.multiaddrs[0]!)
    await dial(b, relay.multiaddrs[0]!)
    assert.equal(a.getConnections().length, 1, 'a talks to the relay only')

    // publish until the relay has b in its mesh: the first delivery proves the path
    let n = 0
    await waitFor('first heartbeat delivered', async () => {
      await a.services.pubsub.publish(topic, new TextEncoder().encode(`hb-${n++}`))
      await sleep(100)
      return received.length > 0
    })

    const limit = MAX_TOPIC_MESSAGE_BYTES.heartbeat
    const oversized = new Uint8Array(limit + 1).fill(7)
    const atLimit = new Uint8Array(limit).fill(9)
    await a.services.pubsub.publish(topic, oversized)
    await a.services.pubsub.publish(topic, atLimit)
    await waitFor('message at the limit delivered', () => received.some((d) => d.byteLength === limit))
    await sleep(300)
    assert.equal(
      received.some((d) => d.byteLength > limit),
      false,
      'oversized heartbeat was forwarded',
    )
    assert.equal(relay.rejectedMessages()[topic], 1)
    const health = (await getJson(relay.httpUrl, '/health')).json as {
      rejectedMessages: Record<string, number>
    }
    assert.equal(health.rejectedMessages[topic], 1)
  })

  test('circuit relay: a listener gets a reservation and a peer reaches it through the relay, with limits', async () => {
    const listener = await createCircuitClient()
    const dialer = await createCircuitClient()
    clients.push(listener, dialer)
    await dial(listener, relay.multiaddrs[0]!)
    await waitFor('reservation', () =>
      listener.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit')),
    )
    const circuit = `${relay.multiaddrs[0]}/p2p-circuit/p2p/${listener.peerId}`
    const conn = await dial(dialer, circuit)
    assert.equal(conn.remotePeer.toString(), listener.peerId.toString())
    // the connection is limited and reports what remains of the data limit (identify used a little);
    // js-libp2p sends the duration in ms where the spec says seconds, so only its presence is checked
    const bytes = conn.limits?.bytes ?? 0n
    assert.ok(bytes <= RELAY_LIMITS.relayedDataBytes && bytes > RELAY_LIMITS.relayedDataBytes - 65536n)
    assert.ok((conn.limits?.seconds ?? 0) > 0)
    const rtt = await dialer.services.ping.ping(conn.remoteAddr, { signal: AbortSignal.timeout(30_000) })
    assert.ok(rtt >= 0)
  })

  test('garbage on the WebSockets port leaves the relay dialable and serving', async () => {
    const port = wsPortOf(relay)
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31)
    const rng = createRng(seed)
    await Promise.all([
      rawTcp(port, rng.bytes(8192)),
      rawTcp(port, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n', 200),
      rawTcp(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`),
    ])
    // a real WebSocket that speaks garbage instead of multistream-select
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => {
        for (let i = 0; i < 20; i++) ws.send(rng.bytes(1 + rng.int(2000)))
        ws.send('/multistream/1.0.0\n'.repeat(100))
        setTimeout(() => ws.close(), 200)
      }
      ws.onclose = () => resolve()
      ws.onerror = () => undefined
    })
    const c = await newClient()
    await dial(c, relay.multiaddrs[0]!)
    await waitFor(`connection after garbage (seed ${seed})`, () => c.getConnections().length === 1)
    assert.equal((await getJson(relay.httpUrl, '/health')).status, 200, `seed ${seed}`)
  })

  test('connections are bounded by maxConnections', async () => {
    const small = await startRelay({ port: 0, maxConnections: 2, log: () => undefined })
    try {
      const cs = await Promise.all([1, 2, 3].map(() => newClient()))
      // dials racing through the upgrade may all land; the connection manager then prunes
      await Promise.allSettled(cs.map((c) => dial(c, small.multiaddrs[0]!)))
      await waitFor('pruned to the limit', () => small.connections() <= 2)
      const late = await newClient()
      await assert.rejects(dial(late, small.multiaddrs[0]!))
      assert.equal((await getJson(small.httpUrl, '/health')).status, 200)
    } finally {
      await small.stop()
    }
  })
})
