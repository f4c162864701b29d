// The building blocks of the methods' guards (table.ts). Tabs are untrusted callers: a field of the
// wrong type or size is `bad_params` naming the field, never coerced with String() or Number(),
// which would run the caller's code. Guards build a fresh request from the fields they read, so
// nothing else the caller put in reaches a handler (a nested structure a guard checks whole, a
// quorum set or a presence proof, passes as checked).
import { fail } from '../../shared/util/errors.ts'
import type { Guard } from './table.ts'

export type Params = Readonly<Record<string, unknown>>

export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

export const badParams = (field: string, details: Record<string, unknown> = {}): never =>
  fail('bad_params', { ...details, field })

/** The parameters object of a method that has some required field. */
export const paramsObject = (p: unknown): Params => (isObj(p) ? p : badParams('params'))

/** The parameters object of a method whose fields are all optional: absent (or null) reads as none. */
export const optionalParams = (p: unknown): Params | undefined =>
  p === undefined || p === null ? undefined : paramsObject(p)

/** `o[key]`: a string of at most `max` characters. */
export const text = (o: Params, key: string, max = 256): string => {
  const v = o[key]
  return typeof v === 'string' && v.length <= max ? v : badParams(key, { max })
}

/** `o[key]`: a safe integer. */
export const safeInt = (o: Params, key: string): number => {
  const v = o[key]
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : badParams(key)
}

/** `o[key]`: bytes, `min` to `max` long (copied: the caller keeps no handle on the request's). */
export const bytes = (o: Params, key: string, min: number, max: number): Uint8Array => {
  const v = o[key]
  return v instanceof Uint8Array && v.length >= min && v.length <= max ? new Uint8Array(v) : badParams(key)
}

/** `o[key]` read by `read` where present; absent (undefined) stays absent. */
export const optional = <T>(o: Params, key: string, read: (o: Params, key: string) => T): T | undefined =>
  o[key] === undefined ? undefined : read(o, key)

/** `o[key]`: true or false; absent reads as false. */
export const flag = (o: Params, key: string): boolean => {
  const v = o[key]
  return v === undefined ? false : typeof v === 'boolean' ? v : badParams(key)
}

/** A method that takes no parameters reads none, so nothing the caller sends can be mistyped. */
export const noParams: Guard<undefined> = () => undefined

/** `{ limit? }`: a positive safe integer where given (the handler clamps it to its own maximum). */
export const limitParams: Guard<{ readonly limit?: number } | undefined> = (p) => {
  const o = optionalParams(p)
  const limit = o && optional(o, 'limit', safeInt)
  if (limit !== undefined && limit < 1) badParams('limit')
  return limit === undefined ? undefined : { limit }
}
