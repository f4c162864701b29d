// Wires the node core with its browser components. The same function runs in a SharedWorker
// (the normal case) and in a dedicated worker (where SharedWorker does not exist).
import type { RpcAttach } from '../rpc/protocol.ts'
import { createRpcServer, type RpcServer } from '../rpc/server.ts'
import { createWebCryptoVerifier, hasWebCryptoEd25519 } from '../crypto/webcrypto-verifier.ts'
import { fetchBootstrap } from './bootstrap.ts'
import { createHostBridge } from './host-bridge.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { createNodeCore } from './node-core.ts'
import type { CoreService } from './service.ts'
import { SERVICES } from './service-list.ts'

export const VERSION = '0.1.0'

export const bootCore = async (origin: string) => {
  const rpc = createRpcServer((line) => console.warn(line))
  const now = () => Date.now()
  const host = createHostBridge({ now })
  const verifier = await createWebCryptoVerifier()
  const core = createNodeCore(
    { version: VERSION },
    {
      rpc,
      host,
      verifier,
      identity: loadOrCreateIdentity,
      bootstrap: async () => {
        const r = await fetchBootstrap(new URL('/bootstrap', origin).href)
        if (!r.ok) console.warn('bootstrap:', r.error.code)
        return r.ok ? r.value : undefined
      },
      now,
      capabilities: { ed25519: await hasWebCryptoEd25519() },
    },
  )
  // other roles (proof workers' `compute` ports) go to the services that listen for them; ports
  // that arrive before the first such listener starts are kept (bounded) and handed to it
  const early: RpcAttach[] = []
  const serviceListeners: Array<(a: RpcAttach) => void> = []
  rpc.onAttach((a) => {
    if (a.role === 'host') core.attachHost(a.port)
    else if (serviceListeners.length > 0) for (const l of serviceListeners) l(a)
    else if (early.length < 16) early.push(a)
  })
  const serviceRpc: RpcServer = {
    ...rpc,
    onAttach(listener) {
      serviceListeners.push(listener)
      for (const a of early.splice(0)) listener(a)
    },
  }
  const services = new Map<string, CoreService>()
  const startServices = async () => {
    await core.start()
    const ready = core.ready()
    for (const factory of SERVICES) {
      const service = factory({ core, rpc: serviceRpc, verifier, ...ready, origin, now, services })
      await service.start()
      services.set(service.name, service)
    }
  }
  void startServices().catch((e) => console.error('core start failed', e))
  return { rpc, core }
}
