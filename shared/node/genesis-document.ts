// The genesis document a relay serves at GET /genesis: the network's GenesisConfig in JSON
// (amounts as decimal strings of base units, every module's parameters under `config.params`),
// the quorum set recommended to newcomers, and on devnets only the faucet's secret key, so any
// devnet node can hand out test WATT. Parsing checks the parameters with each module's parser
// and fills in the defaults of those it leaves out.
import {
  type AnyModule,
  checkGenesisConfig,
  checkValidatorSet,
  type GenesisConfig,
  genesisProtocolEntry,
} from '../ledger/index.ts'
import { parseQuorumSet, type QuorumSet } from '../scp/index.ts'
import { fromHex, toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { NETWORK_MODULES, networkProtocol } from './protocol.ts'

export interface GenesisDocument {
  readonly config: GenesisConfig
  readonly quorumSet: QuorumSet
  readonly faucetSecret?: Uint8Array
}

const AMOUNT_FIELDS = ['supplyCap', 'minFeePerOp'] as const

/** The config alone in JSON form (amounts as decimal strings), as `/genesis` and day exports carry it. */
export const configToJson = (c: GenesisConfig): Record<string, unknown> => ({
  ...c,
  supplyCap: String(c.supplyCap),
  minFeePerOp: String(c.minFeePerOp),
  reserve: { ...c.reserve, amount: String(c.reserve.amount) },
  unissued: Object.fromEntries(Object.entries(c.unissued).map(([k, v]) => [k, String(v)])),
  ...(c.faucet ? { faucet: { ...c.faucet, amount: String(c.faucet.amount) } } : {}),
})

export const genesisToJson = (d: GenesisDocument): unknown => ({
  config: configToJson(d.config),
  quorumSet: d.quorumSet,
  ...(d.faucetSecret ? { faucetSecret: toHex(d.faucetSecret) } : {}),
})

const big = (x: unknown): bigint => {
  if (typeof x !== 'string' || !/^\d{1,30}$/.test(x)) throw new TypeError('amount')
  return BigInt(x)
}

/**
 * Checks a config in JSON form (configToJson) against `modules`: consistent, a valid validator
 * set, every module's parameters parsed, defaults filled in.
 */
export const configFromJson = (
  x: unknown,
  modules: readonly AnyModule[] = NETWORK_MODULES,
): Result<GenesisConfig, WattError> => {
  try {
    const c = x as Record<string, unknown>
    const reserve = c.reserve as { address: string; amount: string }
    const faucet = c.faucet as { address: string; amount: string } | undefined
    const config = {
      ...c,
      ...Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, big(c[f])])),
      reserve: { address: reserve.address, amount: big(reserve.amount) },
      unissued: Object.fromEntries(
        Object.entries(c.unissued as Record<string, string>).map(([k, v]) => [k, big(v)]),
      ),
      ...(faucet ? { faucet: { address: faucet.address, amount: big(faucet.amount) } } : {}),
    } as unknown as GenesisConfig
    const checked = checkGenesisConfig(config)
    if (!checked.ok) return checked
    // what genesisState will also require: otherwise it throws on a config this accepted
    const validators = checkValidatorSet(checked.value.validators)
    if (!validators.ok)
      return err(wattError('bad_genesis', { reason: 'validators', cause: validators.error }))
    const entry = genesisProtocolEntry(checked.value, networkProtocol(modules))
    if (!entry.ok) return entry
    return ok({ ...checked.value, params: entry.value.params })
  } catch (e) {
    return err(wattError('bad_genesis', { reason: e instanceof Error ? e.message : 'malformed' }))
  }
}

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
