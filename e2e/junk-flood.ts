// An attacker for e2e tests (issue 12, finding 1): several libp2p clients, each its own key and
// connection, dial a devnet's relay and publish junk tx sets (empty, on random previous headers)
// on the SCP topic as fast as asked, rotating among themselves, bounded in count and time.
import { randomBytes } from 'node:crypto'
import { cidOf } from '../shared/codec/dag-cbor.ts'
import { encodeMessage } from '../shared/node/messages.ts'
import { topicFor } from '../shared/net/topics.ts'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { sleep } from '../relay/testing/helpers.ts'

const TICK_MS = 50

/** A browser-like client; generous dial timeouts, since e2e machines are loaded. */
const createAttacker = () =>
  createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    connectionManager: { dialTimeout: 60_000, addressDialTimeout: 60_000 },
    // a publish that reaches nobody fails, so `sent` counts only what left for the relay
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: false }) },
  })
type Attacker = Awaited<ReturnType<typeof createAttacker>>

/** A loaded relay may reset a handshake; an attacker simply tries again (three times). */
const dialWithRetry = async (c: Attacker, addr: string) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await c.dial(multiaddr(addr), { signal: AbortSignal.timeout(60_000) })
    } catch (e) {
      if (attempt >= 3) throw e
      await sleep(1000)
    }
  }
}

export interface FloodResult {
  /** Junk sets published to at least one peer (the relay). */
  readonly sent: number
  readonly authors: number
}

/**
 * Floods `network`'s SCP topic through the relay at `url` with `count` junk sets at about
 * `perSecond` (slower when the machine is busy), stopping after `maxMs` at the latest.
 */
export const floodJunkTxSets = async (
  url: string,
  network: string,
  o: { count: number; perSecond: number; maxMs: number; authors: number },
): Promise<FloodResult> => {
  const boot = (await (await fetch(`${url}/bootstrap`)).json()) as { relays: string[] }
  const topic = topicFor(network, 'scp')
  const clients: Attacker[] = []
  try {
    for (let i = 0; i < o.authors; i++) {
      const c = await createAttacker()
      await dialWithRetry(c, boot.relays[0]!)
      c.services.pubsub.subscribe(topic)
      clients.push(c)
    }
    // wait until the relay is each client's topic peer
    for (let t = 0; t < 100 && clients.some((c) => c.services.pubsub.getSubscribers(topic).length === 0); t++)
      await sleep(200)
    const end = Date.now() + o.maxMs
    const perTick = Math.max(1, Math.round((o.perSecond * TICK_MS) / 1000))
    let sent = 0
    let delivered = 0
    while (Date.now() < end && delivered < o.count) {
      const started = Date.now()
      const batch = Array.from({ length: perTick }, () => {
        const set = { prevHeader: cidOf(randomBytes(32)), txs: [], proof: [] }
        const c = clients[sent++ % clients.length]!
        return Promise.resolve(c.services.pubsub.publish(topic, encodeMessage({ type: 'txset', set })))
      })
      for (const r of await Promise.allSettled(batch)) if (r.status === 'fulfilled') delivered++
      await sleep(Math.max(0, TICK_MS - (Date.now() - started)))
    }
    return { sent: delivered, authors: clients.length }
  } finally {
    await Promise.allSettled(clients.map((c) => c.stop()))
  }
}
