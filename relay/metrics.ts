// What GET /metrics serves: every counter the relay keeps, as Prometheus metrics named
// watt_relay_*. docs/operations.md says what each one means and what to alert on.
import type { GatewayCounts } from './gateway.ts'
import type { PubsubCounts } from './pubsub-guard.ts'
import type { Metric, Sample } from './prometheus.ts'
import type { ReservationCounts } from './reservation-gate.ts'
import type { SocketCounts } from './socket-gate.ts'
import type { WsCounts } from './ws-guard.ts'

export interface RelaySnapshot {
  info: { version: string; network: string; peerId: string }
  uptimeSeconds: number
  /** Open libp2p connections by transport (ws, wss, circuit, other) and direction. */
  connections: { transport: string; direction: string }[]
  peerRelays: { configured: number; linked: number }
  reservations: ReservationCounts
  gossip: { received: Record<string, number>; sent: Record<string, number>; rejected: Record<string, number> }
  pubsub: PubsubCounts
  http: { responses: Record<number, number>; sockets: SocketCounts }
  ws: WsCounts
  eventLoopLag: { p50: number; p99: number; max: number }
  /** process.memoryUsage(): the JS heap in use, and the resident set. */
  memory: { heapUsed: number; rss: number }
  /** The trustless gateway's counters, when it runs. */
  gateway?: GatewayCounts
}

const m = (name: string, type: Metric['type'], help: string, samples: Sample[]): Metric => ({
  name: `watt_relay_${name}`,
  type,
  help,
  samples,
})

const byLabel = (label: string, counts: Record<string, number>, extra: Record<string, string> = {}) =>
  Object.entries(counts).map(([k, value]) => ({ labels: { ...extra, [label]: k }, value }))

const connectionSamples = (conns: RelaySnapshot['connections']): Sample[] => {
  const counts = new Map<string, number>()
  for (const t of ['ws', 'wss', 'circuit'])
    for (const d of ['inbound', 'outbound']) counts.set(`${t} ${d}`, 0)
  for (const c of conns)
    counts.set(`${c.transport} ${c.direction}`, (counts.get(`${c.transport} ${c.direction}`) ?? 0) + 1)
  return [...counts].map(([k, value]) => {
    const [transport = '', direction = ''] = k.split(' ')
    return { labels: { transport, direction }, value }
  })
}

const socketMetrics = (s: RelaySnapshot): Metric[] => {
  const ports = [
    ['http', s.http.sockets],
    ['ws', s.ws],
  ] as const
  return [
    m(
      'sockets_open',
      'gauge',
      'Open TCP sockets by port.',
      ports.map(([port, c]) => ({ labels: { port }, value: c.open })),
    ),
    m(
      'sockets_accepted_total',
      'counter',
      'TCP sockets admitted since start, by port.',
      ports.map(([port, c]) => ({ labels: { port }, value: c.accepted })),
    ),
    m(
      'sockets_refused_total',
      'counter',
      'TCP sockets refused since start, by port and reason (per-ip cap, full, per-ip rate).',
      ports.flatMap(([port, c]) => [
        { labels: { port, reason: 'per-ip' }, value: c.refusedPerIp },
        { labels: { port, reason: 'full' }, value: c.refusedFull },
        { labels: { port, reason: 'rate' }, value: c.refusedRate },
      ]),
    ),
    m(
      'bytes_total',
      'counter',
      'Bytes through the TCP sockets since start, by port and direction.',
      ports.flatMap(([port, c]) => [
        { labels: { port, direction: 'in' }, value: c.bytesIn },
        { labels: { port, direction: 'out' }, value: c.bytesOut },
      ]),
    ),
    m('ws_closed_total', 'counter', 'WebSockets sockets the guards closed, by reason.', [
      { labels: { reason: 'handshake-timeout' }, value: s.ws.handshakeTimeouts },
      { labels: { reason: 'idle-timeout' }, value: s.ws.idleTimeouts },
      { labels: { reason: 'oversized-message' }, value: s.ws.oversizedMessages },
      { labels: { reason: 'protocol-error' }, value: s.ws.protocolErrors },
    ]),
  ]
}

const gossipMetrics = (s: RelaySnapshot): Metric[] => [
  m(
    'gossip_messages_total',
    'counter',
    'Pubsub messages by topic and direction (in: received, out: sent to peers).',
    [
      ...byLabel('topic', s.gossip.received, { direction: 'in' }),
      ...byLabel('topic', s.gossip.sent, { direction: 'out' }),
    ],
  ),
  m(
    'gossip_rejected_total',
    'counter',
    'Pubsub messages rejected, by topic and reason.',
    byLabel('topic', s.gossip.rejected, { reason: 'oversized' }),
  ),
  m(
    'gossip_frames_dropped_total',
    'counter',
    'Pubsub stream frames dropped before any topic is known, by reason.',
    [
      { labels: { reason: 'oversized-frame' }, value: s.pubsub.droppedFrames },
      { labels: { reason: 'malformed-rpc' }, value: s.pubsub.malformedRpcs },
    ],
  ),
  m('gossip_stream_restarts_total', 'counter', 'Pubsub streams restarted with a still-connected peer.', [
    { value: s.pubsub.streamRestarts },
  ]),
  m('gossip_hangups_total', 'counter', 'Peers hung up on for breaking their pubsub streams too often.', [
    { value: s.pubsub.hangUps },
  ]),
]

const gatewayMetrics = (g: GatewayCounts | undefined): Metric[] =>
  g === undefined
    ? []
    : [
        m(
          'gateway_requests_total',
          'counter',
          'Trustless gateway (/ipfs/) responses by outcome (ok, a refusal code, cut_<why> for a stream cut).',
          byLabel('outcome', g.outcomes),
        ),
        m('gateway_bytes_total', 'counter', 'Bytes of gateway response bodies sent.', [{ value: g.bytes }]),
        m('gateway_active', 'gauge', 'Gateway requests fetching now.', [{ value: g.active }]),
      ]

export const relayMetrics = (s: RelaySnapshot): Metric[] => [
  m('info', 'gauge', 'Always 1; the labels say which relay this is.', [{ labels: s.info, value: 1 }]),
  m('uptime_seconds', 'gauge', 'Seconds since the relay started.', [{ value: s.uptimeSeconds }]),
  m(
    'connections',
    'gauge',
    'Open libp2p connections by transport and direction.',
    connectionSamples(s.connections),
  ),
  m('peer_relays', 'gauge', 'Relays named by --peer: configured, and linked (connected) now.', [
    { labels: { state: 'configured' }, value: s.peerRelays.configured },
    { labels: { state: 'linked' }, value: s.peerRelays.linked },
  ]),
  m('reservations', 'gauge', 'Circuit relay reservations held now.', [{ value: s.reservations.active }]),
  m('reservations_refused_total', 'counter', 'Circuit relay reservations refused, by reason.', [
    { labels: { reason: 'per-ip' }, value: s.reservations.refusedPerIp },
    { labels: { reason: 'full' }, value: s.reservations.refusedFull },
  ]),
  ...gossipMetrics(s),
  m(
    'http_requests_total',
    'counter',
    'HTTP responses by status code (429: over the per-IP request rate).',
    byLabel('status', s.http.responses),
  ),
  ...socketMetrics(s),
  m(
    'event_loop_lag_seconds',
    'gauge',
    'Event-loop delay over the current minute, by quantile (1 = largest).',
    [
      { labels: { quantile: '0.5' }, value: s.eventLoopLag.p50 },
      { labels: { quantile: '0.99' }, value: s.eventLoopLag.p99 },
      { labels: { quantile: '1' }, value: s.eventLoopLag.max },
    ],
  ),
  m('memory_bytes', 'gauge', 'Process memory: the JS heap in use, and the resident set.', [
    { labels: { kind: 'heap' }, value: s.memory.heapUsed },
    { labels: { kind: 'rss' }, value: s.memory.rss },
  ]),
  ...gatewayMetrics(s.gateway),
]
