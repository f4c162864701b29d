// Test doubles for the services' Node tests: a structured-cloning in-memory key-value store and a
// fake RPC server. The `ledger` service double is worker/node/test-ledger.ts.
import type { RpcServer } from '../rpc/server.ts'
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

export const fakeRpc = () => {
  const handlers = new Map<string, (p: unknown) => unknown>()
  const events: Array<{ event: string; data: unknown }> = []
  const rpc: RpcServer = {
    register: (m, h) => {
      if (handlers.has(m)) throw new Error(`twice: ${m}`)
      handlers.set(m, h)
    },
    connect: () => {},
    broadcast: (event, data) => events.push({ event, data }),
    onAttach: () => {},
    clientCount: () => 0,
  }
  const call = async <T>(m: string, p?: unknown): Promise<T> => {
    const h = handlers.get(m)
    if (!h) throw new Error(`no method ${m}`)
    return (await h(p)) as T
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
