// Reading one field of a tab's RPC parameters. Tabs are untrusted callers: a field of the wrong
// type reads as absent (never coerced with String() or Number(), which run the caller's code).
export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

/** `p[key]` if it is a string of at most `max` characters, else ''. */
export const textParam = (p: unknown, key: string, max = 256): string => {
  const v = isObj(p) ? p[key] : undefined
  return typeof v === 'string' && v.length <= max ? v : ''
}

/** `p[key]` if it is a safe integer, else undefined. */
export const intParam = (p: unknown, key: string): number | undefined => {
  const v = isObj(p) ? p[key] : undefined
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined
}
