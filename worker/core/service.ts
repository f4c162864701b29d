// How subsystems plug into the node core: each is a factory taking narrow components and
// returning a service with explicit start/stop (js-libp2p style). A service declares, in its
// factory's type, the services it depends on (by name, with their APIs) and its own RPC methods
// and events; the composition root (worker/app/services.ts) starts them once the core's identity
// and network are known and hands each its dependencies. The core itself imports no service.
import type { Verifier } from '../../shared/crypto/signer.ts'
import type { RpcRegistry } from '../rpc/server.ts'
import type { EventTable, MethodTable, NoTable } from '../rpc/table.ts'
import type { Bootstrap } from './bootstrap.ts'
import type { NodeIdentity } from './identity.ts'
import type { NodeCore } from './node-core.ts'

export interface CoreService {
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void> | void
}

/** What the core gives every service once it has started. */
export interface CoreComponents {
  core: NodeCore
  verifier: Verifier
  identity: NodeIdentity
  bootstrap: Bootstrap
  /** The origin the PWA was served from: the relay's HTTP endpoints live there. */
  origin: string
  now: () => number
}

/**
 * A service's components: the core's, its RPC methods and events (`M`, `E`), and the services it
 * depends on (`Deps`: name -> API), started before it.
 */
export interface ServiceComponents<
  Deps extends object = NoTable,
  M extends MethodTable = NoTable,
  E extends EventTable = NoTable,
> extends CoreComponents {
  rpc: RpcRegistry<M, E>
  services: Deps
}
