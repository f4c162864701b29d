// The protocol in force, as ledger state: the entry `core/protocol` holds the protocol version and
// every module's parameters (in their JSON form). Genesis seeds it from the genesis config's
// `params` (absent fields take the module's defaults); afterwards only upgrades change it
// (upgrade.ts), so a replay from any state knows the parameters its ledgers ran under.
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { GenesisConfig } from './config.ts'
import type { AnyModule, Protocol, ProtocolModule } from './module.ts'
import type { ParamsJson } from './params.ts'
import { type LedgerState, lookup } from './state.ts'

export const PROTOCOL_KEY = 'core/protocol'

export interface ProtocolEntry {
  readonly version: number
  /** Module name -> its parameters in JSON form (every field present). */
  readonly params: Readonly<Record<string, ParamsJson>>
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

/** Checks a stored entry's shape (entries are written only by genesis and upgrades). */
export const readProtocolEntry = (raw: unknown): ProtocolEntry => {
  if (!isObject(raw) || !isObject(raw.params)) throw new TypeError('corrupt protocol entry')
  const version = typeof raw.version === 'bigint' ? Number(raw.version) : raw.version
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    throw new TypeError('corrupt protocol entry')
  return { version, params: raw.params as Record<string, ParamsJson> }
}

// parsed parameters per stored entry (entries are never mutated) and module
const parsed = new WeakMap<object, Map<AnyModule, unknown>>()

/** A module's parameters from a stored entry; a module the entry does not name runs on its defaults. */
export const moduleParamsOf = <P>(raw: unknown, m: ProtocolModule<P>): P => {
  const entry = readProtocolEntry(raw)
  let byModule = parsed.get(entry.params)
  if (!byModule) {
    byModule = new Map()
    parsed.set(entry.params, byModule)
  }
  if (byModule.has(m as AnyModule)) return byModule.get(m as AnyModule) as P
  const p = m.params.parse(entry.params[m.name] ?? {})
  if (!p.ok) throw new TypeError(`corrupt ${m.name} parameters: ${String(p.error.field)}`)
  byModule.set(m as AnyModule, p.value)
  return p.value
}

/** Every module's parameters in force, by module name. */
export const paramsInForce = (raw: unknown, protocol: Protocol): ReadonlyMap<string, unknown> =>
  new Map(protocol.modules.map((m) => [m.name, moduleParamsOf(raw, m)]))

export const protocolVersionAt = (s: LedgerState): number =>
  readProtocolEntry(lookup(s.tree, PROTOCOL_KEY)).version

/** A module's parameters in force after ledger `s` (what the next ledger runs under). */
export const paramsAt = <P>(s: LedgerState, m: ProtocolModule<P>): P =>
  moduleParamsOf(lookup(s.tree, PROTOCOL_KEY), m)

/** The entry genesis seeds: the config's version and every module's parameters, defaults filled in. */
export const genesisProtocolEntry = (
  config: GenesisConfig,
  protocol: Protocol,
): Result<ProtocolEntry, WattError<'bad_genesis'>> => {
  const given = config.params ?? {}
  const unknown = Object.keys(given).find((name) => !protocol.modules.some((m) => m.name === name))
  if (unknown !== undefined) return err(wattError('bad_genesis', { reason: 'params', module: unknown }))
  if (config.protocolVersion > protocol.maxProtocolVersion)
    return err(wattError('bad_genesis', { reason: 'protocol_version', max: protocol.maxProtocolVersion }))
  const params: Record<string, ParamsJson> = {}
  for (const m of protocol.modules) {
    const p = m.params.parse(given[m.name] ?? {})
    if (!p.ok)
      return err(wattError('bad_genesis', { reason: 'params', module: m.name, field: p.error.field }))
    params[m.name] = m.params.toJson(p.value)
  }
  return ok({ version: config.protocolVersion, params })
}
