// Amounts are bigint base units: 1 WATT = 10^7 units, like Stellar's stroops. Text in and out of
// the wallet goes through parseWatt/formatWatt; no float ever touches money.
import type { Brand } from '../util/brand.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'

export type Amount = Brand<bigint, 'Amount'>

export const DECIMALS = 7
export const UNIT = 10_000_000n as Amount
/** The largest amount any balance may hold: a signed 64-bit integer, as in the wire format. */
export const MAX_AMOUNT = (2n ** 63n - 1n) as Amount

export type AmountProblem = 'format' | 'too_many_decimals' | 'negative' | 'too_large'
export type AmountError = WattError<'bad_amount'> & { readonly reason: AmountProblem }

const bad = (reason: AmountProblem): { ok: false; error: AmountError } =>
  err(wattError('bad_amount', { reason }) as AmountError)

export const amount = (units: bigint): Amount => {
  if (units < 0n || units > MAX_AMOUNT) throw new RangeError(`amount out of range: ${units}`)
  return units as Amount
}

export const watt = (whole: bigint | number): Amount => amount(BigInt(whole) * UNIT)

const PATTERN = /^(\d{1,19})(?:\.(\d+))?$/

/** Parses decimal WATT text ('12.5', '0.0000001', '3') into base units. */
export const parseWatt = (input: string): Result<Amount, AmountError> => {
  const s = input.trim()
  if (s.startsWith('-')) return bad('negative')
  const m = PATTERN.exec(s)
  if (!m) return bad('format')
  const frac = (m[2] ?? '').replace(/0+$/, '')
  if (frac.length > DECIMALS) return bad('too_many_decimals')
  const units = BigInt(m[1]!) * UNIT + BigInt(frac.padEnd(DECIMALS, '0') || '0')
  if (units > MAX_AMOUNT) return bad('too_large')
  return ok(units as Amount)
}

/** Formats base units as decimal WATT with no trailing zeros: 125000000n -> '12.5'. */
export const formatWatt = (units: bigint): string => {
  const neg = units < 0n
  const abs = neg ? -units : units
  const whole = abs / UNIT
  const frac = (abs % UNIT).toString().padStart(DECIMALS, '0').replace(/0+$/, '')
  return (neg ? '-' : '') + whole.toString() + (frac ? `.${frac}` : '')
}

/** Reads an integer that DAG-CBOR decoded as number or bigint; undefined if not a non-negative int64. */
export const asUnits = (x: unknown): Amount | undefined => {
  const v = typeof x === 'number' && Number.isSafeInteger(x) ? BigInt(x) : x
  return typeof v === 'bigint' && v >= 0n && v <= MAX_AMOUNT ? (v as Amount) : undefined
}
