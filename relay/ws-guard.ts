// The libp2p WebSockets transport with the guards its listener lacks: per-IP and total socket
// caps, a deadline from TCP accept to an open libp2p connection (a socket that never speaks,
// stalls its upgrade request or its noise handshake is destroyed), an idle timeout once open,
// a small maximum WebSocket message (the library default, 100 MiB, is buffered before anyone
// is authenticated), and an immediate hang-up on any WebSocket protocol error instead of a
// 30 s wait for a close frame the peer will not send.
//
// The guards reach into @libp2p/websockets' listener (its net server, its `ws` server and its
// upgrade callback); if a future version lacks them the relay refuses to start rather than
// listen unguarded.
import type { IncomingMessage } from 'node:http'
import type net from 'node:net'
import type { Connection, CreateListenerOptions, Listener, Transport } from '@libp2p/interface'
import { type WebSocketsComponents, webSockets } from '@libp2p/websockets'
import { serverOptions } from './http-server.ts'
import { type ConnectionLimits, WS_CLOSE_TIMEOUT_MS, WS_MAX_PAYLOAD_BYTES } from './limits.ts'
import { gateSockets, ipOf, type SocketCounts, type SocketGate, ZERO_COUNTS } from './socket-gate.ts'

export interface WsCounts extends SocketCounts {
  handshakeTimeouts: number
  idleTimeouts: number
  oversizedMessages: number
  protocolErrors: number
}

/** The part of a `ws` WebSocket the guard uses. */
interface WsSocket {
  on(event: 'error', listener: (e: Error & { code?: string }) => void): void
  terminate(): void
}

interface ListenerInternals {
  server: net.Server
  wsServer: { options: { maxPayload: number; closeTimeout: number } }
  onWsServerConnection: (ws: WsSocket, req: IncomingMessage) => void
}

const isGuardable = (l: unknown): l is ListenerInternals => {
  const x = l as Partial<ListenerInternals>
  return (
    typeof x.server?.listeners === 'function' &&
    typeof x.wsServer?.options === 'object' &&
    typeof x.onWsServerConnection === 'function'
  )
}

/** "ip:port" of a connection's remote address, as the listener's socket saw it. */
const endpointOf = (remoteAddr: string): string | undefined => {
  const m = /^\/ip[46]\/([^/]+)\/tcp\/(\d+)\//.exec(remoteAddr)
  return m ? `${m[1]}:${m[2]}` : undefined
}

export interface GuardedWebSockets {
  transport: (components: WebSocketsComponents) => Transport
  /** Call on libp2p's connection:open: the connection's socket has finished its handshake. */
  opened(connection: Connection): void
  counts(): WsCounts
}

type GuardCounts = Omit<WsCounts, keyof SocketCounts>

/** One deadline per socket from accept until its libp2p connection opens; keyed "ip:port". */
const handshakeDeadlines = (limits: ConnectionLimits, counts: GuardCounts, log: (line: string) => void) => {
  const deadlines = new Map<string, () => void>()
  /** Sockets past their WebSocket upgrade (still in noise or yamux), for the log line. */
  const upgraded = new WeakSet<net.Socket>()
  return {
    start(socket: net.Socket): void {
      const key = `${ipOf(socket)}:${socket.remotePort}`
      const timer = setTimeout(() => {
        counts.handshakeTimeouts++
        const phase = upgraded.has(socket) ? 'libp2p-upgrade' : 'websocket-upgrade'
        log(`relay ws handshake-timeout ip=${ipOf(socket)} phase=${phase}`)
        socket.destroy()
      }, limits.wsHandshakeTimeoutMs)
      const clear = () => {
        clearTimeout(timer)
        deadlines.delete(key)
      }
      deadlines.set(key, clear)
      socket.once('close', clear)
    },
    upgraded(socket: net.Socket): void {
      upgraded.add(socket)
    },
    done(connection: Connection): void {
      const key = endpointOf(connection.remoteAddr.toString())
      if (key !== undefined) deadlines.get(key)?.()
    },
  }
}

/** Runs when the WebSocket upgrade is done (ws has just cleared the socket's timeout). */
const watchOpenSocket = (
  ws: WsSocket,
  socket: net.Socket,
  limits: ConnectionLimits,
  counts: GuardCounts,
  log: (line: string) => void,
) => {
  socket.setTimeout(limits.wsIdleTimeoutMs)
  socket.once('timeout', () => {
    counts.idleTimeouts++
    socket.destroy()
  })
  ws.on('error', (e) => {
    if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') counts.oversizedMessages++
    else counts.protocolErrors++
    log(`relay ws protocol-error ip=${ipOf(socket)} code=${e.code ?? 'unknown'}`)
    ws.terminate()
  })
}

export const guardedWebSockets = (
  limits: ConnectionLimits,
  log: (line: string) => void,
  tls?: { cert: string; key: string },
): GuardedWebSockets => {
  const counts: GuardCounts = {
    handshakeTimeouts: 0,
    idleTimeouts: 0,
    oversizedMessages: 0,
    protocolErrors: 0,
  }
  const deadlines = handshakeDeadlines(limits, counts, log)
  let gate: SocketGate | undefined

  const guard = (listener: Listener): void => {
    if (!isGuardable(listener))
      throw new Error('@libp2p/websockets listener internals changed: cannot guard it')
    if (gate) throw new Error('the relay guards one WebSockets listener')
    gate = gateSockets(
      listener.server,
      {
        name: 'ws',
        maxSockets: limits.wsMaxSockets,
        maxPerIp: limits.wsMaxSocketsPerIp,
        perIpPerMinute: limits.wsConnectionsPerIpPerMinute,
      },
      log,
      deadlines.start,
    )
    listener.wsServer.options.maxPayload = WS_MAX_PAYLOAD_BYTES
    listener.wsServer.options.closeTimeout = WS_CLOSE_TIMEOUT_MS
    const upgraded = listener.onWsServerConnection
    listener.onWsServerConnection = (ws, req) => {
      deadlines.upgraded(req.socket as net.Socket)
      watchOpenSocket(ws, req.socket as net.Socket, limits, counts, log)
      upgraded.call(listener, ws, req)
    }
  }

  const transport = (components: WebSocketsComponents): Transport => {
    // the upgrade request: small headers, and in (TLS handshake included) before the deadline
    const t = webSockets({
      http: serverOptions(limits, 'ws', undefined),
      ...(tls === undefined ? {} : { https: serverOptions(limits, 'ws', tls) }),
    })(components)
    const create = t.createListener.bind(t)
    t.createListener = (opts: CreateListenerOptions) => {
      const listener = create(opts)
      guard(listener)
      return listener
    }
    return t
  }

  return {
    transport,
    opened: deadlines.done,
    counts: () => ({ ...(gate?.counts() ?? ZERO_COUNTS), ...counts }),
  }
}
