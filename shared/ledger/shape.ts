// Small guards for strict decoding of DAG-CBOR data: exact field sets and fixed-size byte strings.
// Shared by the transaction decoder and every operation parser.

/** True when x is a plain map whose own keys are exactly `keys`. */
export const exactKeys = (x: unknown, keys: readonly string[]): x is Record<string, unknown> => {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Uint8Array) return false
  const own = Object.keys(x)
  return own.length === keys.length && keys.every((k) => Object.hasOwn(x, k))
}

export const isBytes = (x: unknown, len: number): x is Uint8Array =>
  x instanceof Uint8Array && x.length === len

export const isSafeNat = (x: unknown): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
