// Protocol upgrades, the ledger side (docs/ledger.md, Upgrades): a new protocol version or a new
// value for one module parameter. Consensus agrees on a ledger's upgrades with its value; the
// ledger validates them against the protocol in force (the module's own parameter parser decides
// what a parameter may be), applies them after the close steps and stores the result in
// `core/protocol`, so they take effect from the next ledger. A list is canonical: sorted by
// upgradeKey, at most one upgrade per key.
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { moduleOf, type Protocol } from './module.ts'
import { MAX_PARAM_TEXT, type ParamValue, type ParamsJson } from './params.ts'
import { PROTOCOL_KEY, type ProtocolEntry, readProtocolEntry } from './protocol-state.ts'
import { type LedgerState, lookup } from './state.ts'

export type Upgrade =
  | { readonly type: 'protocolVersion'; readonly version: number }
  | { readonly type: 'param'; readonly module: string; readonly name: string; readonly value: ParamValue }

/** Most upgrades one ledger carries. */
export const MAX_UPGRADES = 8
const MAX_NAME = 64

export type BadUpgrade = WattError<'bad_upgrade'>

const keysAre = (o: object, keys: readonly string[]): boolean => {
  const k = Object.keys(o).sort()
  return k.length === keys.length && k.every((x, i) => x === keys[i])
}
const isName = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_NAME
const isParamValue = (x: unknown): x is ParamValue =>
  typeof x === 'boolean' ||
  (typeof x === 'number' && Number.isSafeInteger(x)) ||
  (typeof x === 'string' && x.length <= MAX_PARAM_TEXT)

/** Strictly checks decoded data (a consensus value, a stored ledger, an export) into an Upgrade. */
export const parseUpgrade = (x: unknown): Result<Upgrade, WattError<'malformed'>> => {
  const bad = (field: string) => err(wattError('malformed', { what: 'upgrade', field }))
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return bad('root')
  const o = x as Record<string, unknown>
  if (o.type === 'protocolVersion') {
    if (!keysAre(o, ['type', 'version'])) return bad('fields')
    const v = o.version
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) return bad('version')
    return ok({ type: 'protocolVersion', version: v })
  }
  if (o.type !== 'param') return bad('type')
  if (!keysAre(o, ['module', 'name', 'type', 'value'])) return bad('fields')
  if (!isName(o.module) || !isName(o.name)) return bad('name')
  if (!isParamValue(o.value)) return bad('value')
  return ok({ type: 'param', module: o.module, name: o.name, value: o.value })
}

export const isUpgrade = (x: unknown): x is Upgrade => parseUpgrade(x).ok

/** What an upgrade changes: at most one upgrade per key in a ledger; lists sort by it. */
export const upgradeKey = (u: Upgrade): string =>
  u.type === 'protocolVersion' ? '0/protocolVersion' : `1/${u.module}/${u.name}`

export const compareUpgrades = (a: Upgrade, b: Upgrade): number => {
  const x = upgradeKey(a)
  const y = upgradeKey(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** A canonical list: at most MAX_UPGRADES, each well formed, keys strictly increasing. */
export const parseUpgrades = (x: unknown): Result<Upgrade[], WattError<'malformed'>> => {
  if (!Array.isArray(x) || x.length > MAX_UPGRADES)
    return err(wattError('malformed', { what: 'upgrades', field: 'list' }))
  const out: Upgrade[] = []
  for (const item of x) {
    const u = parseUpgrade(item)
    if (!u.ok) return u
    if (out.length > 0 && compareUpgrades(out[out.length - 1]!, u.value) >= 0)
      return err(wattError('malformed', { what: 'upgrades', field: 'order' }))
    out.push(u.value)
  }
  return ok(out)
}

const refuse = (u: Upgrade, reason: string, details: Record<string, unknown> = {}) =>
  err(wattError('bad_upgrade', { reason, upgrade: upgradeKey(u), ...details }))

/** One module's parameters with `name` set to `value`, checked by the module's parser. */
const changedParams = (
  entry: ProtocolEntry,
  protocol: Protocol,
  u: Extract<Upgrade, { type: 'param' }>,
): Result<ParamsJson, BadUpgrade> => {
  const m = moduleOf(protocol, u.module)
  if (!m) return refuse(u, 'unknown_module')
  if (!m.params.names.includes(u.name)) return refuse(u, 'unknown_param')
  const current = m.params.parse(entry.params[u.module] ?? {})
  if (!current.ok) return refuse(u, 'corrupt_params')
  const json = m.params.toJson(current.value)
  if (json[u.name] === u.value) return refuse(u, 'unchanged')
  const next = m.params.parse({ ...json, [u.name]: u.value })
  if (!next.ok) return refuse(u, 'bad_value', { field: next.error.field })
  return ok(m.params.toJson(next.value))
}

/**
 * The protocol entry after `upgrades`, or why they are refused: out of canonical order, a version
 * not above the current one or beyond what this software runs, an unknown module or parameter,
 * a value the module's parser refuses (upgrades of one module are checked together), or no change.
 */
export const upgradeEntry = (
  entry: ProtocolEntry,
  protocol: Protocol,
  upgrades: readonly Upgrade[],
): Result<ProtocolEntry, BadUpgrade> => {
  if (upgrades.length > MAX_UPGRADES) return err(wattError('bad_upgrade', { reason: 'too_many' }))
  let version = entry.version
  const params: Record<string, ParamsJson> = { ...entry.params }
  for (const [i, u] of upgrades.entries()) {
    if (i > 0 && compareUpgrades(upgrades[i - 1]!, u) >= 0) return refuse(u, 'order')
    if (u.type === 'protocolVersion') {
      if (u.version <= entry.version) return refuse(u, 'version_not_newer', { current: entry.version })
      if (u.version > protocol.maxProtocolVersion)
        return refuse(u, 'version_unsupported', { max: protocol.maxProtocolVersion })
      version = u.version
      continue
    }
    const next = changedParams({ version, params }, protocol, u)
    if (!next.ok) return next
    params[u.module] = next.value
  }
  return ok({ version, params })
}

/** Checks a ledger's upgrades against the protocol in force after `state` (the herder's check). */
export const validateUpgrades = (
  state: LedgerState,
  protocol: Protocol,
  upgrades: readonly Upgrade[],
): Result<readonly Upgrade[], BadUpgrade> => {
  const r = upgradeEntry(readProtocolEntry(lookup(state.tree, PROTOCOL_KEY)), protocol, upgrades)
  return r.ok ? ok(upgrades) : r
}

/** One upgrade alone against the protocol in force after `state` (e.g. before nominating it). */
export const validateUpgrade = (
  state: LedgerState,
  protocol: Protocol,
  upgrade: Upgrade,
): Result<Upgrade, BadUpgrade> => {
  const r = validateUpgrades(state, protocol, [upgrade])
  return r.ok ? ok(upgrade) : r
}
