// Plain-JSON helpers for exported days: bigints become decimal strings, and two JSON values
// are compared structurally, reporting the first path where they differ.

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json }

/** Converts a value to plain JSON data: bigint -> decimal string, Uint8Array -> hex, undefined dropped. */
export const toJson = (x: unknown): Json => {
  if (x === null || typeof x === 'boolean' || typeof x === 'number' || typeof x === 'string') return x
  if (typeof x === 'bigint') return x.toString()
  if (x instanceof Uint8Array) {
    let s = ''
    for (const b of x) s += b.toString(16).padStart(2, '0')
    return s
  }
  if (Array.isArray(x)) return x.map(toJson)
  if (typeof x === 'object') {
    if ((x as { asCID?: unknown }).asCID === x) return String(x)
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = toJson(v)
    return out
  }
  return null
}

export interface JsonDifference {
  readonly path: string
  readonly expected: Json | undefined
  readonly actual: Json | undefined
}

/** The first difference between `expected` and `actual` (depth first, keys sorted), or undefined. */
export const firstDifference = (
  expected: Json | undefined,
  actual: Json | undefined,
  path = '$',
): JsonDifference | undefined => {
  if (expected === actual) return undefined
  if (
    expected === null ||
    actual === null ||
    expected === undefined ||
    actual === undefined ||
    typeof expected !== 'object' ||
    typeof actual !== 'object' ||
    Array.isArray(expected) !== Array.isArray(actual)
  ) {
    return { path, expected, actual }
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length)
    for (let i = 0; i < n; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`)
      if (d) return d
    }
    return undefined
  }
  const e = expected as Record<string, Json>
  const a = actual as Record<string, Json>
  const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()
  for (const k of keys) {
    const d = firstDifference(e[k], a[k], `${path}.${k}`)
    if (d) return d
  }
  return undefined
}
