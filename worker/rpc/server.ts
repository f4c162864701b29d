// The core's side of the RPC: method handlers registered by subsystems, a bounded set of
// connected tabs, events broadcast to all of them. Typed by the method and event tables
// (table.ts): a call's params go through the method's guard before its handler sees them, and a
// handler's thrown error (a guard's `bad_params` included) becomes error data in the reply.
import { fail, type WattError, toWattError, wattError } from '../../shared/util/errors.ts'
import { type FromCore, isToCore, type PortLike, RPC_VERSION, type RpcAttach } from './protocol.ts'
import type { EventTable, Guards, Handler, Handlers, MethodName, MethodTable } from './table.ts'

const MAX_CLIENTS = 64

/** What a service sees of the server: its own methods and events. */
export interface RpcRegistry<T extends MethodTable, E extends EventTable> {
  register<M extends MethodName<T>>(method: M, handler: Handler<T, M>): void
  broadcast<K extends keyof E & string>(event: K, data: E[K]): void
  onAttach(listener: (attach: RpcAttach) => void): void
}

export interface RpcServer<T extends MethodTable, E extends EventTable> extends RpcRegistry<T, E> {
  connect(port: PortLike): void
  clientCount(): number
}

type AnyHandler = (request: unknown) => unknown

/** Registers a whole handler table at once. */
export const registerAll = <T extends MethodTable, E extends EventTable>(
  rpc: RpcRegistry<T, E>,
  handlers: Handlers<T>,
): void => {
  for (const method of Object.keys(handlers) as MethodName<T>[]) rpc.register(method, handlers[method])
}

export const createRpcServer = <T extends MethodTable, E extends EventTable>(
  guards: Guards<T>,
  log: (line: string) => void = () => {},
): RpcServer<T, E> => {
  const handlers = new Map<string, AnyHandler>()
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

  const run = async (method: string, params: unknown): Promise<unknown> => {
    const handler = handlers.get(method)
    if (!handler || !Object.hasOwn(guards, method)) return fail('unknown_method', { method })
    return handler((guards as Record<string, (p: unknown) => unknown>)[method]!(params))
  }

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
    try {
      reply(port, msg.id, { ok: true, value: await run(msg.method, msg.params) })
    } catch (err) {
      reply(port, msg.id, { ok: false, error: toWattError(err) })
    }
  }

  return {
    register(method, handler) {
      if (handlers.has(method)) throw new Error(`rpc method registered twice: ${method}`)
      handlers.set(method, handler as AnyHandler)
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
