// The tab's side of the RPC: calls with timeouts that resolve to values or reject with
// WattError data, and event subscriptions.
import { type WattError, wattError } from '../../shared/util/errors.ts'
import { isFromCore, type PortLike, RPC_VERSION } from './protocol.ts'

const MAX_PENDING = 1024

export interface RpcClient {
  call<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>
  on(event: string, listener: (data: unknown) => void): () => void
  attach(role: 'host' | 'compute', port: MessagePort): void
  bye(): void
}

export const createRpcClient = (port: PortLike): RpcClient => {
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

  return {
    call<T>(method: string, params?: unknown, timeoutMs = 30_000): Promise<T> {
      if (pending.size >= MAX_PENDING) return Promise.reject(wattError('rpc_busy', { pending: pending.size }))
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(wattError('rpc_timeout', { method, timeoutMs }))
        }, timeoutMs)
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
        port.postMessage({ v: RPC_VERSION, kind: 'call', id, method, params })
      })
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    },
    attach(role, p) {
      port.postMessage({ v: RPC_VERSION, kind: 'attach', role, port: p }, [p])
    },
    bye() {
      port.postMessage({ v: RPC_VERSION, kind: 'bye' })
    },
  }
}
