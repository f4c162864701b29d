// Admission of TCP sockets to a server: at most `maxPerIp` open sockets from one address and
// `maxSockets` in all, and, where set, at most `perIpPerMinute` new sockets from one address a
// minute. A socket over a cap is destroyed before the server's own handler sees it (one over
// the rate is reset: RST, not FIN), so one client cannot take the sockets everybody else needs.
import type net from 'node:net'
import { rateLimiter } from './rate-limit.ts'

export interface SocketCaps {
  /** Which port, for the log ('http', 'ws'). */
  name: string
  maxSockets: number
  maxPerIp: number
  /** New sockets one address may open per minute; no rate limit when absent. */
  perIpPerMinute?: number
}

/** Counters since start (issue 20 will expose them); `open` is the live socket count. */
export interface SocketCounts {
  open: number
  accepted: number
  refusedPerIp: number
  refusedFull: number
  refusedRate: number
  /** Bytes read and written by sockets closed so far plus the open ones. */
  bytesIn: number
  bytesOut: number
}

export const ZERO_COUNTS: SocketCounts = {
  open: 0,
  accepted: 0,
  refusedPerIp: 0,
  refusedFull: 0,
  refusedRate: 0,
  bytesIn: 0,
  bytesOut: 0,
}

export interface SocketGate {
  counts(): SocketCounts
  /** Open sockets from `ip` now. */
  openFrom(ip: string): number
}

/** IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) count as their IPv4 address. */
export const ipOf = (socket: net.Socket): string => (socket.remoteAddress ?? '?').replace(/^::ffff:/, '')

/**
 * Puts the gate in front of every 'connection' listener `server` has now; `onAdmit` runs for
 * each admitted socket before them. Install it before the server listens.
 */
export const gateSockets = (
  server: net.Server,
  caps: SocketCaps,
  log: (line: string) => void,
  onAdmit: (socket: net.Socket) => void = () => undefined,
): SocketGate => {
  const handlers = server.listeners('connection') as ((socket: net.Socket) => void)[]
  server.removeAllListeners('connection')
  const perIp = new Map<string, number>()
  const counts = { ...ZERO_COUNTS }
  const live = new Set<net.Socket>()
  const rate = caps.perIpPerMinute === undefined ? undefined : rateLimiter(caps.perIpPerMinute)
  server.on('connection', (socket: net.Socket) => {
    const ip = ipOf(socket)
    const fromIp = perIp.get(ip) ?? 0
    const refusal =
      counts.open >= caps.maxSockets
        ? 'full'
        : fromIp >= caps.maxPerIp
          ? 'per-ip'
          : (rate?.take(ip, performance.now()) ?? 0) > 0
            ? 'rate'
            : undefined
    if (refusal !== undefined) {
      if (refusal === 'full') counts.refusedFull++
      else if (refusal === 'per-ip') counts.refusedPerIp++
      else counts.refusedRate++
      log(
        `relay ${caps.name} socket-refused reason=${refusal} ip=${ip} open=${counts.open} from-ip=${fromIp}`,
      )
      if (refusal === 'rate') socket.resetAndDestroy()
      else socket.destroy()
      return
    }
    counts.open++
    counts.accepted++
    perIp.set(ip, fromIp + 1)
    live.add(socket)
    socket.once('close', () => {
      live.delete(socket)
      counts.bytesIn += socket.bytesRead
      counts.bytesOut += socket.bytesWritten
      counts.open--
      const left = (perIp.get(ip) ?? 1) - 1
      if (left === 0) perIp.delete(ip)
      else perIp.set(ip, left)
    })
    onAdmit(socket)
    for (const h of handlers) h.call(server, socket)
  })
  const withLive = (): SocketCounts => {
    const c = { ...counts }
    for (const s of live) {
      c.bytesIn += s.bytesRead
      c.bytesOut += s.bytesWritten
    }
    return c
  }
  return { counts: withLive, openFrom: (ip) => perIp.get(ip) ?? 0 }
}
