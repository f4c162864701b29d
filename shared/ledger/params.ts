// Typed module parameters (docs/modules.md). A module declares its parameters field by field:
// each field has a default, a strict parser and a JSON form. The same spec parses the genesis
// document's `params.<module>` (absent fields take their defaults), the ledger's stored copy of
// the parameters in force, and the value of a parameter upgrade. The JSON form is also what the
// ledger stores: integers as numbers, amounts as decimal strings, so it is both JSON and
// deterministic DAG-CBOR (no floats).
import { isAddress } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { MAX_AMOUNT } from './amount.ts'

/** One parameter's value in JSON (and stored) form. */
export type ParamValue = string | number | boolean
export type ParamsJson = Readonly<Record<string, ParamValue>>

/** Most fields one module may declare, and the longest string value. */
export const MAX_PARAM_FIELDS = 64
export const MAX_PARAM_TEXT = 256

export interface ParamField<T> {
  readonly default: T
  /** A JSON or stored value -> the typed value, or undefined when it is malformed or out of range. */
  parse(x: unknown): T | undefined
  toJson(v: T): ParamValue
}

export type BadParams = WattError<'bad_params'>

export interface ParamsSpec<P> {
  readonly defaults: P
  /** The field names, in declaration order. */
  readonly names: readonly string[]
  /** Strict: unknown fields and bad values are `bad_params` (with `field`); absent fields default. */
  parse(json: unknown): Result<P, BadParams>
  /** Every field, in JSON form. */
  toJson(p: P): ParamsJson
}

const asSafeInt = (x: unknown): number | undefined => {
  const n = typeof x === 'bigint' && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined
}

/** An integer in [min, max]. */
export const intParam = (def: number, min: number, max: number): ParamField<number> => ({
  default: def,
  parse: (x) => {
    const n = asSafeInt(x)
    return n !== undefined && n >= min && n <= max ? n : undefined
  },
  toJson: (v) => v,
})

/** An amount of base units, as a canonical decimal string in JSON. */
export const unitsParam = (def: bigint): ParamField<bigint> => ({
  default: def,
  parse: (x) => {
    if (typeof x !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(x)) return undefined
    const v = BigInt(x)
    return v <= MAX_AMOUNT ? v : undefined
  },
  toJson: (v) => v.toString(),
})

/** An account or node address, or '' for none. */
export const addressParam = (def: string): ParamField<string> => ({
  default: def,
  parse: (x) => (x === '' || (typeof x === 'string' && isAddress(x)) ? x : undefined),
  toJson: (v) => v,
})

/** A string of at most MAX_PARAM_TEXT characters that `pattern` matches in full. */
export const textParam = (def: string, pattern: RegExp): ParamField<string> => ({
  default: def,
  parse: (x) => (typeof x === 'string' && x.length <= MAX_PARAM_TEXT && pattern.test(x) ? x : undefined),
  toJson: (v) => v,
})

/**
 * Up to `max` distinct account or node addresses; in JSON a comma-separated string ('' for none),
 * so it travels as one parameter value (an upgrade's value holds at most MAX_PARAM_TEXT characters).
 */
export const addressListParam = (max: number): ParamField<readonly string[]> => ({
  default: [],
  parse: (x) => {
    if (typeof x !== 'string') return undefined
    const list = x === '' ? [] : x.split(',')
    const ok = list.length <= max && list.every(isAddress) && new Set(list).size === list.length
    return ok ? list : undefined
  },
  toJson: (v) => v.join(','),
})

export const boolParam = (def: boolean): ParamField<boolean> => ({
  default: def,
  parse: (x) => (typeof x === 'boolean' ? x : undefined),
  toJson: (v) => v,
})

type Fields<P> = { readonly [K in keyof P]: ParamField<P[K]> }

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array)

/**
 * A spec from its fields and an optional rule across fields (it returns the name of the field
 * that breaks it, or undefined). The defaults must satisfy every rule.
 */
export const paramsSpec = <P extends object>(
  fields: Fields<P>,
  rule: (p: P) => string | undefined = () => undefined,
): ParamsSpec<P> => {
  const names = Object.keys(fields) as (keyof P & string)[]
  if (names.length > MAX_PARAM_FIELDS) throw new RangeError('too many parameter fields')
  const defaults = Object.fromEntries(names.map((n) => [n, fields[n].default])) as P
  const bad = (field: string) => err(wattError('bad_params', { field }))
  const parse = (json: unknown): Result<P, BadParams> => {
    if (!isPlainObject(json)) return bad('root')
    const unknown = Object.keys(json).find((k) => !Object.hasOwn(fields, k))
    if (unknown !== undefined) return bad(unknown.slice(0, 64))
    const out: Partial<P> = {}
    for (const n of names) {
      const v = json[n] === undefined ? fields[n].default : fields[n].parse(json[n])
      if (v === undefined) return bad(n)
      out[n] = v
    }
    const broken = rule(out as P)
    return broken === undefined ? ok(out as P) : bad(broken)
  }
  if (rule(defaults) !== undefined) throw new RangeError(`defaults break the rule on ${rule(defaults)}`)
  return {
    defaults,
    names,
    parse,
    toJson: (p) => Object.fromEntries(names.map((n) => [n, fields[n].toJson(p[n])])),
  }
}
