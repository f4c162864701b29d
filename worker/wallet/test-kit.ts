// Test doubles for the services' Node tests: a structured-cloning in-memory key-value store and a
// fake RPC server. The `ledger` service double is worker/node/test-ledger.ts.
import type { RpcRegistry } from '../rpc/server.ts'
import type { EventTable, Guards, MethodName, MethodTable, ResponseOf } from '../rpc/table.ts'
import type { WalletKv } from './vault.ts'

export const memoryKv = (): WalletKv & { raw: Map<string, unknown> } => {
  const raw = new Map<string, unknown>()
  return {
    raw,
    get: async (k) => structuredClone(raw.get(k)),
    put: async (k, v) => {
      raw.set(k, structuredClone(v))
    },
    delete: async (k) => {
      raw.delete(k)
    },
  }
}

/**
 * An RPC server double for one service: `call` runs the method's guard on the params (as the real
 * server does, so tests reach the guards with what a tab could send) and then its handler.
 */
export const fakeRpc = <T extends MethodTable, E extends EventTable>(guards: Guards<T>) => {
  const handlers = new Map<string, (request: unknown) => unknown>()
  const events: Array<{ event: string; data: unknown }> = []
  const rpc: RpcRegistry<T, E> = {
    register: (m, h) => {
      if (handlers.has(m)) throw new Error(`twice: ${m}`)
      handlers.set(m, h as (request: unknown) => unknown)
    },
    broadcast: (event, data) => events.push({ event, data }),
    onAttach: () => {},
  }
  const call = async <M extends MethodName<T>>(m: M, params?: unknown): Promise<ResponseOf<T, M>> => {
    const h = handlers.get(m)
    if (!h) throw new Error(`no method ${m}`)
    return (await h(guards[m](params))) as ResponseOf<T, M>
  }
  return { rpc, call, events }
}

/** The code (and reason) a call failed with, or 'ok'. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
    return 'ok'
  } catch (e) {
    const d = (e as { data?: { code: string; reason?: string } }).data
    return d ? [d.code, d.reason].filter(Boolean).join(':') : String(e)
  }
}
