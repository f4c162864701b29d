// Connects this tab to the node core. Normally the core is a SharedWorker shared by every
// tab of the profile. Where SharedWorker is missing, the tab holding the core lock runs the
// same core in a dedicated worker and the other tabs reach it over a BroadcastChannel.
import type { CoreRpc, RpcEvents, RpcMethods } from '../worker/app/rpc-api.ts'
import { createRpcClient } from '../worker/rpc/client.ts'
import type { PortLike } from '../worker/rpc/protocol.ts'

export const CORE_LOCK = 'watt-core-owner'
const BUS = 'watt-core-bus'

export interface CoreConnection {
  rpc: CoreRpc
  mode: 'shared-worker' | 'dedicated-owner' | 'broadcast'
}

const client = (port: PortLike): CoreRpc => createRpcClient<RpcMethods, RpcEvents>(port)

const sharedWorkerAvailable = () =>
  typeof SharedWorker !== 'undefined' && new URLSearchParams(location.search).get('shared') !== '0'

export const connectCore = (): Promise<CoreConnection> => {
  if (sharedWorkerAvailable()) {
    const w = new SharedWorker(new URL('../worker/app/shared-entry.ts', import.meta.url), {
      type: 'module',
      name: 'watt-core',
    })
    return Promise.resolve({ rpc: client(w.port), mode: 'shared-worker' })
  }
  return connectWithoutSharedWorker()
}

/** A PortLike over a BroadcastChannel, addressed so that only the core owner answers calls. */
const busPort = (tabId: string): PortLike => {
  const bc = new BroadcastChannel(BUS)
  return {
    postMessage: (data) => bc.postMessage({ from: tabId, to: 'core', data }),
    addEventListener: (_t, listener) =>
      bc.addEventListener('message', (e) => {
        if (e.data?.to === tabId || e.data?.to === '*')
          listener(new MessageEvent('message', { data: e.data.data }))
      }),
  }
}

const connectWithoutSharedWorker = (): Promise<CoreConnection> =>
  new Promise((resolve) => {
    const tabId = crypto.randomUUID()
    void navigator.locks.request(CORE_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) {
        resolve({ rpc: client(busPort(tabId)), mode: 'broadcast' })
        // become the owner when the current one goes away
        void navigator.locks.request(CORE_LOCK, async () => {
          location.reload()
        })
        return
      }
      const worker = new Worker(new URL('../worker/app/dedicated-entry.ts', import.meta.url), {
        type: 'module',
      })
      const own = new MessageChannel()
      worker.postMessage({ kind: 'connect' }, [own.port2])
      bridgeBus(worker)
      resolve({ rpc: client(own.port1), mode: 'dedicated-owner' })
      await new Promise<never>(() => {}) // own the core until this tab goes away
    })
  })

/** In the owner tab: one MessageChannel into the worker per remote tab, fed from the bus. */
const bridgeBus = (worker: Worker) => {
  const bc = new BroadcastChannel(BUS)
  const MAX_TABS = 32
  const ports = new Map<string, MessagePort>()
  bc.addEventListener('message', (e) => {
    const { from, to, data } = e.data ?? {}
    if (to !== 'core' || typeof from !== 'string') return
    let port = ports.get(from)
    if (!port) {
      if (ports.size >= MAX_TABS) {
        const [oldest, p] = ports.entries().next().value!
        p.close()
        ports.delete(oldest)
      }
      const ch = new MessageChannel()
      worker.postMessage({ kind: 'connect' }, [ch.port2])
      port = ch.port1
      port.onmessage = (m) => bc.postMessage({ from: 'core', to: from, data: m.data })
      ports.set(from, port)
    }
    port.postMessage(data)
  })
}
