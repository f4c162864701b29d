// A network's GenesisConfig in JSON form and back: amounts as decimal strings of base units,
// every module's parameters under `params`, checked on the way in with each module's parser
// (defaults filled in). The genesis document (/genesis) and day exports carry it.
import {
  type AnyModule,
  checkGenesisConfig,
  checkValidatorSet,
  type GenesisConfig,
  genesisProtocolEntry,
} from '../ledger/index.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { NETWORK_MODULES, networkProtocol } from './protocol.ts'

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
