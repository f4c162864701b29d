// How subsystems plug into the node core: each is a factory taking narrow components and
// returning a service with explicit start/stop (js-libp2p style). The core starts them once
// its identity and network are known, in the order of `worker/core/service-list.ts`.
import type { Verifier } from '../../shared/crypto/signer.ts'
import type { RpcServer } from '../rpc/server.ts'
import type { Bootstrap } from './bootstrap.ts'
import type { NodeIdentity } from './identity.ts'
import type { NodeCore } from './node-core.ts'

export interface CoreService {
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void> | void
}

export interface ServiceComponents {
  core: NodeCore
  rpc: RpcServer
  verifier: Verifier
  identity: NodeIdentity
  bootstrap: Bootstrap
  /** The origin the PWA was served from: the relay's HTTP endpoints live there. */
  origin: string
  now: () => number
  /** Services started before this one, by name, for the few that build on another. */
  services: ReadonlyMap<string, CoreService>
}

export type ServiceFactory = (c: ServiceComponents) => CoreService
