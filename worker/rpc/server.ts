// The core's side of the RPC: method handlers registered by subsystems, a bounded set of
// connected tabs, events broadcast to all of them. A handler's thrown error becomes data.
import { type WattError, toWattError, wattError } from '../../shared/util/errors.ts'
import { type FromCore, isToCore, type PortLike, RPC_VERSION, type RpcAttach } from './protocol.ts'

const MAX_CLIENTS = 64

export type Handler = (params: unknown) => unknown | Promise<unknown>

export interface RpcServer {
  register(method: string, handler: Handler): void
  connect(port: PortLike): void
  broadcast(event: string, data: unknown): void
  onAttach(listener: (attach: RpcAttach) => void): void
  clientCount(): number
}

export const createRpcServer = (log: (line: string) => void = () => {}): RpcServer => {
  const handlers = new Map<string, Handler>()
  const clients = new Set<PortLike>()
  const attachListeners: Array<(a: RpcAttach) => void> = []

  const send = (port: PortLike, msg: FromCore) => {
    try {
      port.postMessage(msg)
    } catch (e) {
      log(`rpc: post failed: ${String(e)}`)
    }
  }

  const reply = (
    port: PortLike,
    id: number,
    result: { ok: true; value: unknown } | { ok: false; error: WattError },
  ) => send(port, { v: RPC_VERSION, kind: 'reply', id, ...result })

  const onMessage = (port: PortLike) => async (e: MessageEvent) => {
    const msg: unknown = e.data
    if (!isToCore(msg)) {
      log('rpc: dropped a malformed message')
      return
    }
    if (msg.v !== RPC_VERSION) {
      if (msg.kind === 'call')
        reply(port, msg.id, {
          ok: false,
          error: wattError('rpc_version', { expected: RPC_VERSION, got: msg.v }),
        })
      return
    }
    if (msg.kind === 'bye') {
      clients.delete(port)
      return
    }
    if (msg.kind === 'attach') {
      for (const l of attachListeners) l(msg)
      return
    }
    const handler = handlers.get(msg.method)
    if (!handler) {
      reply(port, msg.id, { ok: false, error: wattError('unknown_method', { method: msg.method }) })
      return
    }
    try {
      reply(port, msg.id, { ok: true, value: await handler(msg.params) })
    } catch (err) {
      reply(port, msg.id, { ok: false, error: toWattError(err) })
    }
  }

  return {
    register(method, handler) {
      if (handlers.has(method)) throw new Error(`rpc method registered twice: ${method}`)
      handlers.set(method, handler)
    },
    connect(port) {
      if (clients.size >= MAX_CLIENTS) {
        // the oldest tab is the likeliest to be gone without a goodbye
        const oldest = clients.values().next().value
        if (oldest) clients.delete(oldest)
      }
      clients.add(port)
      port.addEventListener('message', onMessage(port))
      port.start?.()
    },
    broadcast(event, data) {
      for (const c of clients) send(c, { v: RPC_VERSION, kind: 'event', event, data })
    },
    onAttach(listener) {
      attachListeners.push(listener)
    },
    clientCount: () => clients.size,
  }
}
