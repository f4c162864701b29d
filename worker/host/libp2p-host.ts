// The network host: runs libp2p in the tab that won the host election (WebRTC exists only in
// pages) and executes the core's network port over a MessagePort: dial relays and peers,
// publish and deliver pubsub messages, report connections. It holds no node logic.
import { gossipsub, TopicValidatorResult } from '@libp2p/gossipsub'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { MAX_TOPIC_MESSAGE_BYTES, type TopicKind } from '../../shared/net/topics.ts'
import type { IceServer } from '../core/bootstrap.ts'
import { type CoreToHost, type HostConnection, type HostToCore, isCoreToHost } from '../core/host-protocol.ts'
import { lastPeerId, relayOrder } from '../core/relay-order.ts'
import { createHostStreams } from './host-streams.ts'
import { localRelayMemory } from './relay-memory.ts'
import { transportOf } from './transport-of.ts'

const DIAL_TIMEOUT_MS = 15_000
const RELAY_REDIAL_MS = 3_000

const createHostNode = (privateKey: Uint8Array, iceServers: IceServer[]) =>
  createLibp2p({
    privateKey: privateKeyFromProtobuf(privateKey),
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    // STUN/TURN from /bootstrap, so that browsers behind different NATs can link
    transports: [webSockets(), webRTC({ rtcConfiguration: { iceServers } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // tests and home networks use private and loopback addresses: do not refuse them
    connectionGater: { denyDialMultiaddr: () => false },
    connectionManager: { maxConnections: 64 },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false }),
    },
  })
type HostNode = Awaited<ReturnType<typeof createHostNode>>

export interface NetworkHost {
  stop(): Promise<void>
  libp2p(): HostNode | undefined
}

/** Serves the core on `port` until stopped; the first message from the core is `start`. */
export const runNetworkHost = (port: MessagePort): NetworkHost => {
  let node: HostNode | undefined
  let streams: ReturnType<typeof createHostStreams> | undefined
  let relays: string[] = []
  const post = (m: HostToCore) => port.postMessage(m)
  const alive = setInterval(() => post({ type: 'alive' }), 1000)
  let relayTimer: ReturnType<typeof setInterval> | undefined

  const relayPeers = () => new Set(relays.map((r) => lastPeerId(r)).filter((x): x is string => !!x))

  const reportConnections = () => {
    if (!node) return
    const rp = relayPeers()
    const byPeer = new Map<string, HostConnection>()
    let relayCount = 0
    for (const c of node.getConnections()) {
      const id = c.remotePeer.toString()
      if (rp.has(id)) {
        if (c.status === 'open') relayCount++
        continue
      }
      if (c.status !== 'open') continue
      const e = byPeer.get(id) ?? { peerId: id, transports: [] }
      e.transports.push(transportOf(c))
      byPeer.set(id, e)
    }
    post({ type: 'connections', conns: [...byPeer.values()], relays: relayCount })
  }

  const reportAddrs = () => {
    if (node) post({ type: 'addrs', listenAddrs: node.getMultiaddrs().map((m) => m.toString()) })
  }

  const memory = localRelayMemory()
  let dialing = false
  /** One open relay connection is enough (relays gossip with each other): try them in turn. */
  const dialRelays = async () => {
    if (!node || dialing) return
    const rp = relayPeers()
    if (node.getConnections().some((c) => c.status === 'open' && rp.has(c.remotePeer.toString()))) return
    dialing = true
    try {
      await dialInTurn(node)
    } finally {
      dialing = false
    }
  }
  const dialInTurn = async (n: HostNode) => {
    for (const addrs of relayOrder(relays, memory.get())) {
      for (const a of addrs) {
        const ok = await n.dial(multiaddr(a), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).then(
          () => true,
          () => false,
        )
        const id = lastPeerId(a)
        if (!ok) continue
        if (id) memory.set(id)
        return
      }
    }
  }

  const start = async (m: CoreToHost & { type: 'start' }) => {
    relays = m.relays
    // oversized messages are rejected here, before gossipsub forwards them to anyone
    const topicValidators = new Map(
      m.topics.map((t) => {
        const limit = MAX_TOPIC_MESSAGE_BYTES[t.split('/')[2] as TopicKind] ?? 1024
        const validate = (_p: unknown, msg: { data: Uint8Array }) =>
          msg.data.length > limit ? TopicValidatorResult.Reject : TopicValidatorResult.Accept
        return [t, validate] as const
      }),
    )
    node = await createHostNode(m.privateKey, m.iceServers)
    streams = createHostStreams(node, post)
    const pubsub = node.services.pubsub
    for (const [t, v] of topicValidators) pubsub.topicValidators.set(t, v as never)
    for (const t of m.topics) pubsub.subscribe(t)
    // gossipsub:message (not message) names the connection a message came through
    pubsub.addEventListener('gossipsub:message', (e) => {
      const { msg, propagationSource } = e.detail
      const from = msg.type === 'signed' ? msg.from.toString() : ''
      post({ type: 'message', topic: msg.topic, from, via: propagationSource.toString(), data: msg.data })
    })
    node.addEventListener('connection:open', reportConnections)
    node.addEventListener('connection:close', reportConnections)
    node.addEventListener('self:peer:update', reportAddrs)
    post({ type: 'started', peerId: node.peerId.toString(), listenAddrs: [] })
    await dialRelays()
    relayTimer = setInterval(() => void dialRelays(), RELAY_REDIAL_MS)
    reportConnections()
    reportAddrs()
  }

  const onCore = async (m: CoreToHost) => {
    if (m.type === 'start') return start(m)
    if (!node || !streams) return
    if (m.type === 'handle') return streams.handle(m.protocol)
    if (m.type === 'request') return streams.request(m)
    if (m.type === 'reply') return streams.reply(m.id, m.data)
    if (m.type === 'publish') {
      await node.services.pubsub.publish(m.topic, m.data).catch(() => {})
      return
    }
    if (m.type === 'dial') {
      for (const a of m.addrs) {
        try {
          await node.dial(multiaddr(a), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
          post({ type: 'dial-result', peerId: m.peerId, ok: true })
          return
        } catch (e) {
          post({ type: 'dial-result', peerId: m.peerId, ok: false, error: String(e).slice(0, 200) })
        }
      }
    }
  }

  port.onmessage = (e) => {
    if (isCoreToHost(e.data)) void onCore(e.data).catch((err) => console.warn('host:', err))
  }

  return {
    async stop() {
      clearInterval(alive)
      if (relayTimer) clearInterval(relayTimer)
      port.close()
      await node?.stop()
    },
    libp2p: () => node,
  }
}
