// Two linked relays (--peer): each lists the other in /bootstrap while it is up, gossip
// crosses between their clients, and when one stops its client fails over to the other, the
// way the browser's network host does (worker/core/relay-order.ts, same function).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { topicFor } from '../shared/net/topics.ts'
import { relayOrder } from '../worker/core/relay-order.ts'
import { type RelayHandle, startRelay } from './server.ts'
import { type Client, createClient, dial, getJson, sleep, waitFor } from './testing/helpers.ts'

const NETWORK = 'linktest'
const topic = topicFor(NETWORK, 'heartbeat')

const bootstrapOf = async (r: RelayHandle) =>
  (await getJson(r.httpUrl, '/bootstrap')).json as { relays: string[]; iceServers: unknown[] }

describe('linked relays', () => {
  let a: RelayHandle
  let b: RelayHandle
  let ca: Client
  let cb: Client
  const heardByB: string[] = []

  /** Publishes from `from` until cb has the message (subscriptions take a heartbeat to spread). */
  const deliver = async (from: Client, text: string) => {
    await waitFor(`"${text}" delivered`, async () => {
      await from.services.pubsub.publish(topic, new TextEncoder().encode(text)).catch(() => undefined)
      await sleep(200)
      return heardByB.includes(text)
    })
  }

  before(async () => {
    const quiet = { port: 0, network: NETWORK, log: () => undefined }
    a = await startRelay(quiet)
    b = await startRelay({ ...quiet, peers: [a.multiaddrs[0] ?? ''] })
    ca = await createClient()
    cb = await createClient()
    for (const c of [ca, cb]) c.services.pubsub.subscribe(topic)
    cb.services.pubsub.addEventListener('message', (e) =>
      heardByB.push(new TextDecoder().decode(e.detail.data)),
    )
  })
  after(async () => {
    await Promise.all([ca.stop(), cb.stop()])
    await Promise.all([a.stop(), b.stop()])
  })

  test('/bootstrap lists this relay and every linked relay that is up', async () => {
    await waitFor('b links to a', async () => (await bootstrapOf(b)).relays.length === 2)
    assert.deepEqual((await bootstrapOf(b)).relays, [b.multiaddrs[0], a.multiaddrs[0]])
    assert.deepEqual((await bootstrapOf(b)).iceServers, [])
  })

  test('gossip crosses the link; with one relay stopped, its client continues through the other', async () => {
    const relays = (await bootstrapOf(b)).relays
    // ca remembers a (it answered before), cb is on b
    await dial(ca, relayOrder(relays, a.peerId)[0]?.[0] ?? '')
    await dial(cb, b.multiaddrs[0] ?? '')
    await deliver(ca, 'through a, then b')
    await a.stop()
    await waitFor('b sees a gone', async () => (await bootstrapOf(b)).relays.length === 1)
    await waitFor('ca sees a gone', () => ca.getConnections().length === 0)
    // the host's turn: the remembered relay first, then the others, until one answers
    let answered: string | undefined
    for (const [addr] of relayOrder(relays, a.peerId)) {
      const ok = await dial(ca, addr ?? '').then(
        () => true,
        () => false,
      )
      if (ok) {
        answered = addr
        break
      }
    }
    assert.equal(answered, b.multiaddrs[0])
    await deliver(ca, 'through b alone')
  })
})

test('--stun and --turn reach /bootstrap as iceServers; bad ones are refused', async () => {
  const iceServers = [
    { urls: 'stun:stun.example.org:3478' },
    { urls: 'turn:turn.example.org:3478', username: 'u', credential: 'c' },
  ]
  const r = await startRelay({ port: 0, log: () => undefined, iceServers })
  try {
    assert.deepEqual((await bootstrapOf(r)).iceServers, iceServers)
  } finally {
    await r.stop()
  }
  await assert.rejects(startRelay({ port: 0, iceServers: [{ urls: 'http://x' }] }), /stun:, stuns:, turn:/)
  await assert.rejects(startRelay({ port: 0, iceServers: [{ urls: 'turn:t:1' }] }), /username and credential/)
  await assert.rejects(startRelay({ port: 0, peers: ['/ip4/127.0.0.1/tcp/1/ws'] }), /\/p2p\/<peerId>/)
})
