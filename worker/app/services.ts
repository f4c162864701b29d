// The composition root's service wiring: the subsystems the node core runs, in start order, each
// handed the services it declares it depends on. dayExport starts right after ledger: it must see
// the node's first closes to record its first day. Mining and the market build on the wallet
// (its account key); retrieval on the storage service's block store, the market's replicas and the
// wallet (it pays and is paid through payment channels); the retrieval checker on the wallet and
// the storage service's hash.
import type { StartedCore } from '../core/boot.ts'
import type { CoreService } from '../core/service.ts'
import { marketService } from '../market/service.ts'
import { miningService } from '../mining/service.ts'
import { dayExportService } from '../node/day-export-service.ts'
import { ledgerService } from '../node/ledger-service.ts'
import { checkerService, retrievalService } from '../retrieval/service.ts'
import type { RpcServer } from '../rpc/server.ts'
import { storageService } from '../storage/service.ts'
import { walletService } from '../wallet/service.ts'
import type { RpcEvents, RpcMethods } from './rpc-api.ts'

export const startServices = async (
  core: StartedCore,
  server: RpcServer<RpcMethods, RpcEvents>,
): Promise<CoreService[]> => {
  const started: CoreService[] = []
  const start = async <S extends CoreService>(service: S): Promise<S> => {
    await service.start()
    started.push(service)
    return service
  }
  const { onAttach, ...base } = core
  // services register their methods and hear compute ports through the core's attach queue
  const rpc = { register: server.register, broadcast: server.broadcast, onAttach }
  const ledger = await start(ledgerService({ ...base, rpc, services: {} }))
  await start(dayExportService({ ...base, rpc, services: { ledger } }))
  const wallet = await start(walletService({ ...base, rpc, services: { ledger } }))
  await start(miningService({ ...base, rpc, services: { ledger, wallet } }))
  const storage = await start(storageService({ ...base, rpc, services: { ledger } }))
  const market = await start(await marketService({ ...base, rpc, services: { ledger, wallet, storage } }))
  await start(retrievalService({ ...base, rpc, services: { ledger, wallet, storage, market } }))
  await start(checkerService({ ...base, rpc, services: { ledger, wallet, storage } }))
  return started
}
