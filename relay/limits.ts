// Socket caps and timeouts of the relay's two ports (HTTP and libp2p WebSockets): how many
// sockets one address and everyone together may hold, and how long a socket may sit before it
// has done its part. Each default is a named constant; an operator overrides them through
// RelayOptions.limits (or the per-IP flags of relay/main.ts). See docs/relay.md.
import { WattFailure, wattError } from '../shared/util/errors.ts'

export interface ConnectionLimits {
  /** Open sockets on the HTTP port, all clients together. */
  httpMaxSockets: number
  /** Open sockets on the HTTP port from one IP address. */
  httpMaxSocketsPerIp: number
  /** A request's headers must be in within this (slow-loris, idle sockets that never speak). */
  httpHeadersTimeoutMs: number
  /** A whole request must be in within this. */
  httpRequestTimeoutMs: number
  /** An idle keep-alive socket is closed after this. */
  httpKeepAliveTimeoutMs: number
  /** Open sockets on the WebSockets port, all clients together. */
  wsMaxSockets: number
  /** Open sockets on the WebSockets port from one IP address. */
  wsMaxSocketsPerIp: number
  /** From TCP accept to an open libp2p connection (WebSocket upgrade, noise, yamux). */
  wsHandshakeTimeoutMs: number
  /** An open connection whose socket moves no byte either way for this long is closed. */
  wsIdleTimeoutMs: number
  /** HTTP requests one IP address may make per minute (a minute's worth may come at once); then 429. */
  httpRequestsPerIpPerMinute: number
  /** New WebSockets sockets one IP address may open per minute; then the socket is reset. */
  wsConnectionsPerIpPerMinute: number
  /** Circuit relay reservations, all peers together. */
  maxReservations: number
  /** Circuit relay reservations held by peers connected from one IP address. */
  reservationsPerIp: number
}

export const HTTP_MAX_SOCKETS = 1024
/** Chromium opens up to 6 sockets per profile and host; this leaves room for ~10 profiles behind one address. */
export const HTTP_MAX_SOCKETS_PER_IP = 64
export const HTTP_HEADERS_TIMEOUT_MS = 10_000
export const HTTP_REQUEST_TIMEOUT_MS = 15_000
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000
/** Every browser holds one WebSocket; headroom above maxConnections for handshakes and closing sockets. */
export const WS_SOCKET_HEADROOM = 256
/** Browsers of one household or one local devnet share an address; half of the 64 pending-upgrade slots. */
export const WS_MAX_SOCKETS_PER_IP = 32
export const WS_HANDSHAKE_TIMEOUT_MS = 10_000
/** libp2p's connection monitor pings every connection every 10 s: a live one never idles this long. */
export const WS_IDLE_TIMEOUT_MS = 60_000
/**
 * Largest WebSocket message accepted. libp2p sends one noise frame (at most 65,535 bytes) per
 * WebSocket message, so twice that is ample; anything larger closes the socket at once.
 */
export const WS_MAX_PAYLOAD_BYTES = 128 * 1024
/** A page load is ~30 requests (the PWA's files, /bootstrap, /genesis): ~20 loads a minute per address. */
export const HTTP_REQUESTS_PER_IP_PER_MINUTE = 600
/** A browser holds one WebSocket and redials every few seconds when it drops: room for a household. */
export const WS_CONNECTIONS_PER_IP_PER_MINUTE = 300
/** Each browser keeps one reservation: as many per address as sockets per address. */
export const RESERVATIONS_PER_IP = WS_MAX_SOCKETS_PER_IP
const MAX_RATE_PER_MINUTE = 1_000_000

/** How long a closing WebSocket waits for the peer's close frame before the socket is destroyed. */
export const WS_CLOSE_TIMEOUT_MS = 2_000

const MAX_SOCKETS_CEILING = 100_000
const MIN_TIMEOUT_MS = 100
const MAX_TIMEOUT_MS = 10 * 60_000

export const defaultLimits = (maxConnections: number): ConnectionLimits => ({
  httpMaxSockets: HTTP_MAX_SOCKETS,
  httpMaxSocketsPerIp: HTTP_MAX_SOCKETS_PER_IP,
  httpHeadersTimeoutMs: HTTP_HEADERS_TIMEOUT_MS,
  httpRequestTimeoutMs: HTTP_REQUEST_TIMEOUT_MS,
  httpKeepAliveTimeoutMs: HTTP_KEEP_ALIVE_TIMEOUT_MS,
  wsMaxSockets: maxConnections + WS_SOCKET_HEADROOM,
  wsMaxSocketsPerIp: WS_MAX_SOCKETS_PER_IP,
  wsHandshakeTimeoutMs: WS_HANDSHAKE_TIMEOUT_MS,
  wsIdleTimeoutMs: WS_IDLE_TIMEOUT_MS,
  httpRequestsPerIpPerMinute: HTTP_REQUESTS_PER_IP_PER_MINUTE,
  wsConnectionsPerIpPerMinute: WS_CONNECTIONS_PER_IP_PER_MINUTE,
  maxReservations: maxConnections,
  reservationsPerIp: Math.min(RESERVATIONS_PER_IP, maxConnections),
})

const bad = (option: string, value: unknown, message: string): never => {
  throw new WattFailure(
    wattError('relay/bad-option', { option: `limits.${option}`, value: String(value), message }),
  )
}

const checkRange = (name: keyof ConnectionLimits, value: number, min: number, max: number): void => {
  if (!Number.isInteger(value) || value < min || value > max)
    bad(name, value, `must be an integer ${min}..${max}`)
}

/** The defaults with `given` laid over them, every field checked; unknown fields are refused. */
export const resolveLimits = (given: Partial<ConnectionLimits> | undefined, maxConnections: number) => {
  const limits = defaultLimits(maxConnections)
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!(name in limits)) bad(name, value, 'unknown limit')
    if (value !== undefined) limits[name as keyof ConnectionLimits] = value as number
  }
  for (const name of ['httpMaxSockets', 'wsMaxSockets'] as const) {
    checkRange(name, limits[name], 1, MAX_SOCKETS_CEILING)
  }
  checkRange('httpMaxSocketsPerIp', limits.httpMaxSocketsPerIp, 1, limits.httpMaxSockets)
  checkRange('wsMaxSocketsPerIp', limits.wsMaxSocketsPerIp, 1, limits.wsMaxSockets)
  for (const name of ['httpRequestsPerIpPerMinute', 'wsConnectionsPerIpPerMinute'] as const) {
    checkRange(name, limits[name], 1, MAX_RATE_PER_MINUTE)
  }
  checkRange('maxReservations', limits.maxReservations, 1, MAX_SOCKETS_CEILING)
  checkRange('reservationsPerIp', limits.reservationsPerIp, 1, limits.maxReservations)
  for (const name of [
    'httpHeadersTimeoutMs',
    'httpRequestTimeoutMs',
    'httpKeepAliveTimeoutMs',
    'wsHandshakeTimeoutMs',
    'wsIdleTimeoutMs',
  ] as const) {
    checkRange(name, limits[name], MIN_TIMEOUT_MS, MAX_TIMEOUT_MS)
  }
  if (limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs) {
    bad('httpHeadersTimeoutMs', limits.httpHeadersTimeoutMs, 'must not exceed httpRequestTimeoutMs')
  }
  return limits
}

/**
 * How often Node's HTTP server looks for sockets past their header or request timeout (its
 * default, 30 s, would let a slow-loris socket live three times its timeout).
 */
export const timeoutCheckIntervalMs = (timeoutMs: number): number =>
  Math.max(50, Math.min(1_000, Math.floor(timeoutMs / 4)))
