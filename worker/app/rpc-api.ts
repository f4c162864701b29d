// The one RPC table of the node: every method's request and response and every event's data,
// joined from the tables the core and each service declare beside their code, and every method's
// guard. The core's server (worker/app/node.ts) and the tabs' client (web/core-client.ts) are
// typed with it, so a call with a wrong method name, request or response fails typecheck on either
// side (worker/app/rpc-api.test.ts); the fuzzer runs RPC_GUARDS itself (tools/fuzz/targets/tab.ts).
import { CORE_GUARDS, type CoreEvents, type CoreMethods } from '../core/core-api.ts'
import { MARKET_GUARDS, type MarketEvents, type MarketMethods } from '../market/market-api.ts'
import { MINING_GUARDS, type MiningEvents, type MiningMethods } from '../mining/mining-api.ts'
import { DAY_EXPORT_GUARDS, type DayExportMethods } from '../node/day-export-api.ts'
import { LEDGER_GUARDS, type LedgerMethods } from '../node/ledger-api.ts'
import { RETRIEVAL_GUARDS, type RetrievalEvents, type RetrievalMethods } from '../retrieval/retrieval-api.ts'
import type { RpcClient } from '../rpc/client.ts'
import type { Guards } from '../rpc/table.ts'
import { STORAGE_GUARDS, type StorageEvents, type StorageMethods } from '../storage/storage-api.ts'
import { WALLET_GUARDS, type WalletEvents, type WalletMethods } from '../wallet/wallet-api.ts'

export type RpcMethods = CoreMethods &
  LedgerMethods &
  DayExportMethods &
  WalletMethods &
  MiningMethods &
  StorageMethods &
  MarketMethods &
  RetrievalMethods

export type RpcEvents = CoreEvents &
  WalletEvents &
  MiningEvents &
  StorageEvents &
  MarketEvents &
  RetrievalEvents

/** A tab's connection to the core. */
export type CoreRpc = RpcClient<RpcMethods, RpcEvents>

/** Every method's guard; a method name may be in one part only (rpc-api.test.ts). */
export const RPC_GUARDS: Guards<RpcMethods> = {
  ...CORE_GUARDS,
  ...LEDGER_GUARDS,
  ...DAY_EXPORT_GUARDS,
  ...WALLET_GUARDS,
  ...MINING_GUARDS,
  ...STORAGE_GUARDS,
  ...MARKET_GUARDS,
  ...RETRIEVAL_GUARDS,
}
