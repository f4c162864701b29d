// Wires the node core with its browser components (WebCrypto verifier, IndexedDB identity behind
// the boot gate, `/bootstrap` fetch, clock). The same function runs in a SharedWorker (the normal
// case) and in a dedicated worker (where SharedWorker does not exist). The composition root
// (worker/app) makes the RPC server and starts the services once `ready` resolves.
import type { RpcAttach } from '../rpc/protocol.ts'
import type { RpcServer } from '../rpc/server.ts'
import { createWebCryptoVerifier, hasWebCryptoEd25519 } from '../crypto/webcrypto-verifier.ts'
import { createBootGate } from './boot-gate.ts'
import { fetchBootstrap } from './bootstrap.ts'
import type { CoreEvents, CoreMethods, Enrollment } from './core-api.ts'
import { createHostBridge } from './host-bridge.ts'
import { installNodeKey, loadOrCreateIdentity, withIdentityStore } from './identity.ts'
import { createNodeCore } from './node-core.ts'
import type { CoreComponents } from './service.ts'

export const VERSION = '0.1.0'

/** What the services get beside the core's components: compute ports, held until one listens. */
export interface StartedCore extends CoreComponents {
  onAttach(listener: (attach: RpcAttach) => void): void
}

export const bootCore = async (
  origin: string,
  rpc: RpcServer<CoreMethods, CoreEvents>,
  onEnrolled: (e: Enrollment) => Promise<void>,
): Promise<{ ready: Promise<StartedCore> }> => {
  const now = () => Date.now()
  const host = createHostBridge({ now })
  const verifier = await createWebCryptoVerifier()
  const gate = createBootGate({
    install: (key) => withIdentityStore((d) => installNodeKey(d, key)),
    load: loadOrCreateIdentity,
    onEnrolled,
  })
  rpc.register('core.boot', (request) => gate.boot(request))
  const core = createNodeCore(
    { version: VERSION },
    {
      rpc,
      host,
      verifier,
      identity: gate.identity,
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
  const onAttach = (listener: (a: RpcAttach) => void) => {
    serviceListeners.push(listener)
    for (const a of early.splice(0)) listener(a)
  }
  const ready = core.start().then(() => ({ core, verifier, ...core.ready(), origin, now, onAttach }))
  return { ready }
}
