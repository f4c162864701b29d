// The protocol a WATT network runs, composed once from one list of modules (docs/modules.md):
// the node, the simulator, the tools and the tests all build it here. A new feature adds its
// module to NETWORK_MODULES; a test composes its own list (`[...NETWORK_MODULES, toy]`) and
// hands it to the same builders.
import type { GenesisConfig, LedgerEnv } from '../ledger/index.ts'
import {
  type AnyModule,
  composeProtocol,
  coreModule,
  type ParamsJson,
  type Protocol,
} from '../ledger/index.ts'
import { marketModule } from '../market/module.ts'
import { miningModule } from '../mining/module.ts'
import { retrievalModule } from '../retrieval/module.ts'
import { retrievalChecksModule } from '../retrieval-checks/module.ts'

export const NETWORK_MODULES: readonly AnyModule[] = [
  coreModule,
  miningModule,
  marketModule,
  retrievalModule,
  retrievalChecksModule,
]

export const networkProtocol = (modules: readonly AnyModule[] = NETWORK_MODULES): Protocol =>
  composeProtocol(modules)

/** The ledger environment of a network: its genesis config and the protocol of `modules`. */
export const networkEnv = (
  config: GenesisConfig,
  modules: readonly AnyModule[] = NETWORK_MODULES,
): LedgerEnv => ({
  config,
  protocol: networkProtocol(modules),
})

/** Every module's parameters at their defaults, in JSON form: what a new genesis document names. */
export const defaultParams = (
  modules: readonly AnyModule[] = NETWORK_MODULES,
): Readonly<Record<string, ParamsJson>> =>
  Object.fromEntries(modules.map((m) => [m.name, m.params.toJson(m.params.defaults)]))
