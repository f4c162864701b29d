// The relay's libp2p node: WebSockets in, noise, yamux, identify, ping, a circuit relay v2
// server sized for WebRTC signalling, and gossipsub on every topic of the network so that a
// lone browser still reaches the others through the relay.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import type { PrivateKey } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { allTopics } from '../shared/net/topics.ts'
import type { ResolvedOptions } from './options.ts'
import { directPeersOf } from './peers.ts'
import { installPubsubGuard } from './pubsub-guard.ts'
import { reservationGate } from './reservation-gate.ts'
import { installTopicLimits, LARGEST_TOPIC_MESSAGE, type TopicLimits } from './topic-limits.ts'
import { guardedWebSockets } from './ws-guard.ts'

/**
 * Circuit relay limits. Browsers use a relayed connection only to exchange SDP offers/answers
 * and ICE candidates (a few KiB) and then talk over a direct WebRTC connection, so a relayed
 * connection gets 2 minutes and 1 MiB per direction: ample for signalling plus identify and
 * ping, useless as a free bulk tunnel. Every browser keeps one reservation, so the reservation
 * table is as large as the connection table.
 */
export const RELAY_LIMITS = {
  reservationTtlMs: 60 * 60 * 1000,
  relayedDurationMs: 2 * 60 * 1000,
  relayedDataBytes: 1n << 20n,
  hopTimeoutMs: 30 * 1000,
  maxHopStreams: 64,
} as const

/** Upper bound of one gossipsub RPC frame: the largest topic message plus room for control data. */
export const MAX_PUBSUB_FRAME_BYTES = LARGEST_TOPIC_MESSAGE * 2

const hostMultiaddr = (host: string, port: number, tls: boolean): string =>
  `/ip4/${host}/tcp/${port}/${tls ? 'tls/' : ''}ws`

/** `privateKey`: the relay's identity (kept in its data folder by relay/identity.ts, or fresh). */
export const createRelayNode = async (opts: ResolvedOptions, privateKey: PrivateKey) => {
  const ws = guardedWebSockets(opts.limits, opts.log, opts.tls)
  const reservations = reservationGate(opts.limits, opts.log)
  const node = await createLibp2p({
    privateKey,
    // started below, once every guard is in place
    start: false,
    addresses: {
      listen: [hostMultiaddr(opts.host, opts.wsPort, opts.tls !== undefined)],
      // identify tells peers these; libp2p appends its own /p2p/<id>
      ...(opts.announce.length > 0
        ? { announce: opts.announce.map((a) => a.replace(/\/p2p\/[^/]+$/, '')) }
        : {}),
    },
    transports: [ws.transport],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // tests and LANs use loopback and private addresses: nothing is filtered
    connectionGater: {
      denyDialMultiaddr: () => false,
      denyInboundRelayReservation: async (peer) => reservations.deny(peer),
    },
    connectionManager: {
      maxConnections: opts.maxConnections,
      // every browser of a local devnet dials from 127.0.0.1: allow bursts from one host
      inboundConnectionThreshold: 50,
      maxIncomingPendingConnections: 64,
      inboundUpgradeTimeout: opts.limits.wsHandshakeTimeoutMs,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        hopTimeout: RELAY_LIMITS.hopTimeoutMs,
        maxInboundHopStreams: RELAY_LIMITS.maxHopStreams,
        maxOutboundHopStreams: RELAY_LIMITS.maxHopStreams,
        reservations: {
          maxReservations: opts.limits.maxReservations,
          reservationTtl: RELAY_LIMITS.reservationTtlMs,
          applyDefaultLimit: true,
          defaultDurationLimit: RELAY_LIMITS.relayedDurationMs,
          defaultDataLimit: RELAY_LIMITS.relayedDataBytes,
        },
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        allowedTopics: allTopics(opts.network),
        maxInboundDataLength: MAX_PUBSUB_FRAME_BYTES,
        maxOutboundBufferSize: 8 * MAX_PUBSUB_FRAME_BYTES,
        emitSelf: false,
        // the other relays of the network get every message, whatever the mesh
        directPeers: directPeersOf(opts.peers),
      }),
    },
  })
  const limits: TopicLimits = installTopicLimits(node.services.pubsub, opts.network, (topic, size, limit) =>
    opts.log(`relay pubsub rejected topic=${topic} bytes=${size} limit=${limit}`),
  )
  node.addEventListener('connection:open', (e) => ws.opened(e.detail))
  reservations.bind(node)
  const pubsubGuard = installPubsubGuard(node.services.pubsub, node, {
    maxFrameBytes: MAX_PUBSUB_FRAME_BYTES,
    log: opts.log,
  })
  try {
    await node.start()
  } catch (e) {
    await Promise.resolve(node.stop()).catch(() => undefined)
    throw e
  }
  for (const topic of allTopics(opts.network)) node.services.pubsub.subscribe(topic)
  return { node, limits, ws, pubsubGuard, reservations }
}

export type RelayParts = Awaited<ReturnType<typeof createRelayNode>>
export type RelayNode = RelayParts['node']
