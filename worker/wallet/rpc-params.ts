// Guards for the wallet's RPC parameters: tabs are untrusted callers, so every shape is checked
// and every size bounded before the service looks at it.
export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

export const isReplace = (p: unknown): boolean => isObj(p) && p.replace === true

/** `{ limit }` clamped to 1..max; absent or malformed gives max. */
export const parseLimit = (p: unknown, max: number): number => {
  const n = isObj(p) ? p.limit : undefined
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? Math.min(n, max) : max
}

/** `{ answers: { [position]: word } }` for the backup check; anything else is an empty answer. */
export const parseAnswers = (p: unknown): Record<number, string> => {
  const out: Record<number, string> = {}
  const a = isObj(p) ? p.answers : undefined
  if (!isObj(a)) return out
  for (const [k, v] of Object.entries(a).slice(0, 24)) {
    const pos = Number(k)
    if (Number.isSafeInteger(pos) && typeof v === 'string' && v.length <= 20) out[pos] = v
  }
  return out
}
