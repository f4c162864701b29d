// The genesis document a relay serves at GET /genesis: the network's GenesisConfig in JSON
// (amounts as decimal strings of base units, every module's parameters under `config.params`),
// the quorum set recommended to newcomers, and on devnets only the faucet's secret key, so any
// devnet node can hand out test WATT. Parsing checks the parameters with each module's parser
// and fills in the defaults of those it leaves out.
import type { AnyModule, GenesisConfig } from '../ledger/index.ts'
import { parseQuorumSet, type QuorumSet } from '../scp/index.ts'
import { fromHex, toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { configFromJson, configToJson } from './config-json.ts'
import { NETWORK_MODULES } from './protocol.ts'

export interface GenesisDocument {
  readonly config: GenesisConfig
  readonly quorumSet: QuorumSet
  readonly faucetSecret?: Uint8Array
}

export const genesisToJson = (d: GenesisDocument): unknown => ({
  config: configToJson(d.config),
  quorumSet: d.quorumSet,
  ...(d.faucetSecret ? { faucetSecret: toHex(d.faucetSecret) } : {}),
})

export const genesisFromJson = (
  x: unknown,
  modules: readonly AnyModule[] = NETWORK_MODULES,
): Result<GenesisDocument, WattError> => {
  try {
    const o = x as { config: unknown; quorumSet: QuorumSet; faucetSecret?: string }
    const config = configFromJson(o.config, modules)
    if (!config.ok) return config
    const quorumSet = parseQuorumSet(o.quorumSet)
    if (!quorumSet.ok) return err(wattError('bad_genesis', { reason: 'quorum_set', cause: quorumSet.error }))
    const faucetSecret = o.faucetSecret === undefined ? undefined : fromHex(o.faucetSecret)
    if (faucetSecret && faucetSecret.length !== 32)
      return err(wattError('bad_genesis', { reason: 'faucet_secret' }))
    return ok({ config: config.value, quorumSet: quorumSet.value, ...(faucetSecret ? { faucetSecret } : {}) })
  } catch (e) {
    return err(wattError('bad_genesis', { reason: e instanceof Error ? e.message : 'malformed' }))
  }
}
