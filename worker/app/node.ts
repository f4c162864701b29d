// The composition root of the node core: the RPC server typed and guarded by the whole method
// table, the core (worker/core, which imports no service), and the services started once the
// core's identity and network are known. Both entries (SharedWorker, dedicated worker) run it.
import { bootCore } from '../core/boot.ts'
import type { Enrollment } from '../core/core-api.ts'
import { saveAutoAdmit } from '../node/quorum-config.ts'
import { createRpcServer } from '../rpc/server.ts'
import { RPC_GUARDS, type RpcEvents, type RpcMethods } from './rpc-api.ts'
import { startServices } from './services.ts'

/** A devnet enrollment link marks its validator to admit every valid request (--auto-admit). */
const onEnrolled = async (e: Enrollment) => {
  if (e.autoAdmit) await saveAutoAdmit(true)
}

export const startNode = async (origin: string) => {
  const rpc = createRpcServer<RpcMethods, RpcEvents>(RPC_GUARDS, (line) => console.warn(line))
  const { ready } = await bootCore(origin, rpc, onEnrolled)
  void ready.then((core) => startServices(core, rpc)).catch((e) => console.error('core start failed', e))
  return rpc
}
