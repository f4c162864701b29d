// The tab's side of the RPC: calls with timeouts that resolve to values or reject with
// WattError data, and event subscriptions. Typed by the method and event tables (table.ts): a
// call's method name, request and response, and an event's data, are checked at compile time.
import { type WattError, wattError } from '../../shared/util/errors.ts'
import { isFromCore, type PortLike, RPC_VERSION } from './protocol.ts'
import type { CallArgs, EventTable, MethodName, MethodTable, ResponseOf } from './table.ts'

const MAX_PENDING = 1024

export interface RpcClient<T extends MethodTable, E extends EventTable> {
  call<M extends MethodName<T>>(method: M, ...args: CallArgs<T, M>): Promise<ResponseOf<T, M>>
  on<K extends keyof E & string>(event: K, listener: (data: E[K]) => void): () => void
  attach(role: 'host' | 'compute', port: MessagePort): void
  bye(): void
}

export const createRpcClient = <T extends MethodTable, E extends EventTable>(
  port: PortLike,
): RpcClient<T, E> => {
  let nextId = 1
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: WattError) => void; timer: ReturnType<typeof setTimeout> }
  >()
  const listeners = new Map<string, Set<(data: unknown) => void>>()

  port.addEventListener('message', (e: MessageEvent) => {
    const msg: unknown = e.data
    if (!isFromCore(msg)) return
    if (msg.kind === 'event') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.data)
      return
    }
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    clearTimeout(p.timer)
    if (msg.ok) p.resolve(msg.value)
    else p.reject(msg.error)
  })
  port.start?.()

  const call = (method: string, params?: unknown, timeoutMs = 30_000): Promise<unknown> => {
    if (pending.size >= MAX_PENDING) return Promise.reject(wattError('rpc_busy', { pending: pending.size }))
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(wattError('rpc_timeout', { method, timeoutMs }))
      }, timeoutMs)
      pending.set(id, { resolve, reject, timer })
      port.postMessage({ v: RPC_VERSION, kind: 'call', id, method, params })
    })
  }

  return {
    call: (method, ...[params, timeoutMs]) => call(method, params, timeoutMs) as Promise<never>,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (data: unknown) => void)
      return () => set.delete(listener as (data: unknown) => void)
    },
    attach(role, p) {
      port.postMessage({ v: RPC_VERSION, kind: 'attach', role, port: p }, [p])
    },
    bye() {
      port.postMessage({ v: RPC_VERSION, kind: 'bye' })
    },
  }
}
