// Relay options: the public shape callers pass to startRelay, and their validation into one
// fully resolved record, so that every later module can trust what it is given.
import { isIPv4 } from 'node:net'
import { isValidNetworkName } from '../shared/net/topics.ts'
import { WattFailure, wattError } from '../shared/util/errors.ts'
import { checkedMultiaddrs } from './addresses.ts'
import { type ConnectionLimits, resolveLimits } from './limits.ts'
import { rateLimitedLog } from './log-limit.ts'
import type { PubsubCounts } from './pubsub-guard.ts'
import type { ReservationCounts } from './reservation-gate.ts'
import type { SocketCounts } from './socket-gate.ts'
import type { WsCounts } from './ws-guard.ts'

export interface RelayOptions {
  /** IPv4 address to listen on (HTTP and WebSockets); 'localhost' means 127.0.0.1. Default 127.0.0.1. */
  host?: string
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number
  /** libp2p WebSockets port; 0 picks a free one. Default port + 1 (0 when port is 0). */
  wsPort?: number
  /** Network name, part of every pubsub topic. Default 'devnet'. */
  network?: string
  /** Folder of the built PWA to serve; nothing static is served without it. */
  staticDir?: string
  /** JSON object served at GET /genesis. */
  genesis?: unknown
  /** Quorum set recommended to newcomers in /bootstrap as `quorumSet`. */
  recommendedQuorumSet?: unknown
  /** libp2p connection limit. Default 256. */
  maxConnections?: number
  /**
   * This relay serves a devnet (tools/devnet.ts sets it). Only a devnet may serve a genesis
   * carrying a `faucetSecret` or hand out enrollments; otherwise the relay refuses to start.
   */
  devnet?: boolean
  /** Socket caps and timeouts of both ports; each missing field keeps its default (relay/limits.ts). */
  limits?: Partial<ConnectionLimits>
  /**
   * Devnet only: one-time tokens, each answered once at GET /enroll/<token> with its JSON
   * payload (tools/devnet.ts hands validator keys to browser tabs this way).
   */
  enrollments?: ReadonlyMap<string, unknown>
  /** One line per event or error, at most LOG_LINES_PER_SECOND. Default: standard error. */
  log?: (line: string) => void
  /**
   * Folder for what the relay must remember across restarts: its libp2p key (relay/identity.ts),
   * so that its peer id stays the same. Without it every start has a new peer id.
   */
  dataDir?: string
  /** PEM certificate chain and key: both ports then speak TLS (HTTPS, `wss://`). */
  tls?: { cert: string; key: string }
  /**
   * Public multiaddrs browsers should dial instead of the listen addresses (behind a reverse
   * proxy or NAT), e.g. `/dns4/relay.example.org/tcp/443/tls/ws`; `/p2p/<peerId>` is appended.
   */
  announce?: string[]
  /** Other relays of the network to stay linked to, each a multiaddr ending in `/p2p/<peerId>`. */
  peers?: string[]
  /** STUN and TURN servers handed to browsers in `/bootstrap` as `iceServers`. */
  iceServers?: IceServer[]
}

/** One entry of RTCConfiguration.iceServers; TURN needs a username and credential. */
export interface IceServer {
  urls: string
  username?: string
  credential?: string
}

export interface RelayHandle {
  httpUrl: string
  peerId: string
  /** WebSockets multiaddrs to dial, each ending in /p2p/<peerId>. */
  multiaddrs: string[]
  /** Live libp2p connections. */
  connections(): number
  /** Pubsub messages rejected so far (oversized for their topic), per topic string. */
  rejectedMessages(): Record<string, number>
  /** What the guards refused, dropped or timed out since start (also served at /metrics). */
  counters(): RelayCounters
  stop(): Promise<void>
}

export interface RelayCounters {
  http: SocketCounts
  ws: WsCounts
  pubsub: PubsubCounts
  reservations: ReservationCounts
}

export interface ResolvedOptions {
  host: string
  port: number
  wsPort: number
  network: string
  staticDir: string | undefined
  /** The genesis already serialized, so a bad value fails at start, not on the first request. */
  genesisJson: string | undefined
  quorumSetJson: string | undefined
  maxConnections: number
  devnet: boolean
  limits: ConnectionLimits
  /** Enrollment token -> serialized payload; an entry is deleted when it is handed out. */
  enrollments: Map<string, string>
  log: (line: string) => void
  dataDir: string | undefined
  tls: { cert: string; key: string } | undefined
  announce: string[]
  peers: string[]
  iceServers: IceServer[]
}

export const DEFAULT_PORT = 8080
export const DEFAULT_NETWORK = 'devnet'
export const DEFAULT_MAX_CONNECTIONS = 256
/** Hard ceiling on maxConnections: every connection holds sockets, buffers and a gossipsub peer. */
export const MAX_CONNECTIONS_CEILING = 10_000

const badOption = (option: string, value: unknown, reason: string): never => {
  throw new WattFailure(wattError('relay/bad-option', { option, value: String(value), message: reason }))
}

const checkPort = (option: string, value: number): number => {
  if (!Number.isInteger(value) || value < 0 || value > 65535) badOption(option, value, 'a port is 0..65535')
  return value
}

/** Serializes a JSON option once; bigint, cycles and non-objects are refused. */
const jsonObject = (option: string, value: unknown): string | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badOption(option, value, 'must be a JSON object')
  }
  try {
    return JSON.stringify(value)
  } catch (e) {
    return badOption(option, '[object]', `is not serializable as JSON: ${(e as Error).message}`)
  }
}

/** Tokens are URL path segments: plain and long enough not to be guessed. */
export const ENROLL_TOKEN = /^[A-Za-z0-9_-]{8,128}$/
export const MAX_ENROLLMENTS = 1024

const enrollmentsOf = (given: ReadonlyMap<string, unknown> | undefined): Map<string, string> => {
  const out = new Map<string, string>()
  if (given === undefined) return out
  if (given.size > MAX_ENROLLMENTS) badOption('enrollments', given.size, `at most ${MAX_ENROLLMENTS}`)
  for (const [token, payload] of given) {
    if (!ENROLL_TOKEN.test(token)) badOption('enrollments', token, 'a token is 8-128 of [A-Za-z0-9_-]')
    out.set(token, jsonObject('enrollments', payload) ?? 'null')
  }
  return out
}

/** A genesis naming another network is a misconfiguration that would split the network: refuse it. */
const checkGenesisNetwork = (genesis: unknown, network: string): void => {
  if (typeof genesis !== 'object' || genesis === null) return
  const g = genesis as Record<string, unknown>
  for (const field of ['network', 'networkId']) {
    const named = g[field]
    if (typeof named === 'string' && named !== network) {
      badOption('genesis', named, `genesis ${field} "${named}" differs from the relay network "${network}"`)
    }
  }
}

/**
 * A genesis that publishes its faucet key hands the faucet to anyone who reads /genesis: fine
 * for a devnet (that is what the faucet is for there), never for any other network.
 */
const checkFaucetSecret = (genesis: unknown, devnet: boolean): void => {
  if (devnet || typeof genesis !== 'object' || genesis === null) return
  if ((genesis as Record<string, unknown>)['faucetSecret'] !== undefined) {
    badOption(
      'genesis',
      'faucetSecret',
      'a genesis with a faucetSecret is served by a devnet relay only (devnet: true, --devnet)',
    )
  }
}

const PEM = /-----BEGIN [A-Z ]+-----/

const checkTls = (tls: RelayOptions['tls']): ResolvedOptions['tls'] => {
  if (tls === undefined) return undefined
  for (const part of ['cert', 'key'] as const) {
    if (typeof tls[part] !== 'string' || !PEM.test(tls[part]))
      badOption(`tls.${part}`, '[pem]', 'must be PEM text')
  }
  return { cert: tls.cert, key: tls.key }
}

const checkPeers = (peers: readonly string[]): string[] => {
  const out = checkedMultiaddrs(peers, (v, m) => badOption('peers', v, m))
  for (const p of out) if (!/\/p2p\/[^/]+$/.test(p)) badOption('peers', p, 'must end in /p2p/<peerId>')
  return out
}

export const MAX_ICE_SERVERS = 8

const checkIceServers = (servers: readonly IceServer[]): IceServer[] => {
  if (servers.length > MAX_ICE_SERVERS) badOption('iceServers', servers.length, `at most ${MAX_ICE_SERVERS}`)
  return servers.map((s) => {
    const turn = /^turns?:/.test(s.urls)
    if (!turn && !/^stuns?:/.test(s.urls))
      badOption('iceServers', s.urls, 'a URL is stun:, stuns:, turn: or turns:')
    if (s.urls.length > 256) badOption('iceServers', s.urls, 'at most 256 characters')
    if (!turn) return { urls: s.urls }
    if (!s.username || !s.credential)
      badOption('iceServers', s.urls, 'a TURN server needs a username and credential')
    return { urls: s.urls, username: s.username, credential: s.credential }
  })
}

const stderrLine = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

export const resolveOptions = (opts: RelayOptions): ResolvedOptions => {
  const rawHost = opts.host ?? '127.0.0.1'
  const host = rawHost === 'localhost' ? '127.0.0.1' : rawHost
  if (!isIPv4(host)) badOption('host', rawHost, 'must be an IPv4 address (or localhost)')
  const port = checkPort('port', opts.port ?? DEFAULT_PORT)
  const wsPort = checkPort('wsPort', opts.wsPort ?? (port === 0 ? 0 : port + 1))
  if (port !== 0 && port === wsPort) badOption('wsPort', wsPort, 'must differ from the HTTP port')
  const network = opts.network ?? DEFAULT_NETWORK
  if (!isValidNetworkName(network)) badOption('network', network, 'must match ^[a-z0-9][a-z0-9-]{0,31}$')
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > MAX_CONNECTIONS_CEILING) {
    badOption('maxConnections', maxConnections, `must be an integer 1..${MAX_CONNECTIONS_CEILING}`)
  }
  checkGenesisNetwork(opts.genesis, network)
  const devnet = opts.devnet === true
  checkFaucetSecret(opts.genesis, devnet)
  if (!devnet && (opts.enrollments?.size ?? 0) > 0) {
    badOption(
      'enrollments',
      opts.enrollments?.size,
      'enrollments hand out keys: devnet relays only (devnet: true)',
    )
  }
  return {
    host,
    port,
    wsPort,
    network,
    staticDir: opts.staticDir,
    genesisJson: jsonObject('genesis', opts.genesis),
    quorumSetJson: jsonObject('recommendedQuorumSet', opts.recommendedQuorumSet),
    maxConnections,
    devnet,
    limits: resolveLimits(opts.limits, maxConnections),
    enrollments: enrollmentsOf(opts.enrollments),
    log: rateLimitedLog(opts.log ?? stderrLine),
    dataDir: opts.dataDir,
    tls: checkTls(opts.tls),
    announce: checkedMultiaddrs(opts.announce ?? [], (v, m) => badOption('announce', v, m)),
    peers: checkPeers(opts.peers ?? []),
    iceServers: checkIceServers(opts.iceServers ?? []),
  }
}
