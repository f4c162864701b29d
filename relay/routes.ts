// The relay's JSON and text endpoints (/health, /bootstrap, /genesis, /metrics) and the devnet
// enrollment, computed from the running parts on each request.
import type { Connection } from '@libp2p/interface'
import type { EventLoopLag } from './event-loop.ts'
import type { GatewayCounts } from './gateway.ts'
import { errorBody, type JsonRoute } from './http-server.ts'
import { type RelaySnapshot, relayMetrics } from './metrics.ts'
import type { ResolvedOptions } from './options.ts'
import type { RelayParts } from './p2p.ts'
import type { PeerLinks } from './peers.ts'
import { formatMetrics, PROMETHEUS_CONTENT_TYPE } from './prometheus.ts'

export interface RouteContext {
  opts: ResolvedOptions
  version: string
  peerId: string
  /** What browsers are told to dial for this relay. */
  advertised: string[]
  parts: RelayParts
  links: PeerLinks
  lag: EventLoopLag
  startedAt: number
  /** HTTP responses by status (the HTTP server is made after the routes, so it is asked late). */
  responses: () => Record<number, number>
  sockets: () => RelaySnapshot['http']['sockets']
  /** The trustless gateway's counters (relay/gateway.ts). */
  gateway?: () => GatewayCounts
}

/** ws/wss/circuit by the remote address; the relay's inbound WebSockets are wss when it serves TLS. */
export const transportOfConnection = (c: Connection, tls: boolean): string => {
  const a = c.remoteAddr.toString()
  if (a.includes('/p2p-circuit')) return 'circuit'
  if (a.includes('/tls/ws') || a.includes('/wss')) return 'wss'
  if (a.includes('/ws')) return tls && c.direction === 'inbound' ? 'wss' : 'ws'
  return 'other'
}

const snapshot = (c: RouteContext): RelaySnapshot => {
  const { node, limits, ws, pubsubGuard, reservations } = c.parts
  return {
    info: { version: c.version, network: c.opts.network, peerId: c.peerId },
    uptimeSeconds: Math.floor((performance.now() - c.startedAt) / 1000),
    connections: node.getConnections().map((x) => ({
      transport: transportOfConnection(x, c.opts.tls !== undefined),
      direction: x.direction,
    })),
    peerRelays: { configured: c.opts.peers.length, linked: c.links.healthy().length },
    reservations: reservations.counts(),
    gossip: { received: limits.received(), sent: limits.sent(), rejected: limits.rejected() },
    pubsub: pubsubGuard.counts(),
    http: { responses: c.responses(), sockets: c.sockets() },
    ws: ws.counts(),
    eventLoopLag: c.lag.lag(),
    memory: (({ heapUsed, rss }) => ({ heapUsed, rss }))(process.memoryUsage()),
    ...(c.gateway ? { gateway: c.gateway() } : {}),
  }
}

export const relayRoutes = (c: RouteContext): Record<string, JsonRoute> => {
  const { opts } = c
  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) })
  return {
    '/health': () =>
      json(200, {
        status: 'ok',
        peerId: c.peerId,
        multiaddrs: c.advertised,
        connections: c.parts.node.getConnections().length,
        uptimeSeconds: Math.floor((performance.now() - c.startedAt) / 1000),
        version: c.version,
        network: opts.network,
        rejectedMessages: c.parts.limits.rejected(),
      }),
    // every healthy relay of the network: this one, then the linked relays with an open connection
    '/bootstrap': () => ({
      status: 200,
      body: `{"network":${JSON.stringify(opts.network)},"relays":${JSON.stringify([...c.advertised, ...c.links.healthy()])},"iceServers":${JSON.stringify(opts.iceServers)}${
        opts.quorumSetJson === undefined ? '' : `,"quorumSet":${opts.quorumSetJson}`
      }}`,
    }),
    '/genesis': () =>
      opts.genesisJson === undefined
        ? { status: 404, body: errorBody('relay/no-genesis', 'this relay serves no genesis') }
        : { status: 200, body: opts.genesisJson },
    '/metrics': () => ({
      status: 200,
      body: formatMetrics(relayMetrics(snapshot(c))),
      contentType: PROMETHEUS_CONTENT_TYPE,
    }),
  }
}

/** Devnet enrollment: each token is answered once. */
export const enrollment = (opts: ResolvedOptions) => (token: string) => {
  const payload = opts.enrollments.get(token)
  if (payload === undefined)
    return { status: 410, body: errorBody('relay/enroll-gone', 'unknown or used token') }
  opts.enrollments.delete(token)
  return { status: 200, body: payload }
}
