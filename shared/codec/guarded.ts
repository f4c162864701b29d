// Peer-to-peer request/response messages (`/watt/deal/1`, `/watt/retrieve/1`) are DAG-CBOR read
// from strangers: each is size-checked, decoded and passed through its protocol's guard before any
// field is used, and anything else reads as no message at all.
import { decode } from '@ipld/dag-cbor'

export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
export const isIndex = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0

/** The message `bytes` hold if it is at most `maxBytes` and passes `guard`, else undefined. */
export const decodeGuarded = <T>(
  bytes: Uint8Array,
  maxBytes: number,
  guard: (x: unknown) => x is T,
): T | undefined => {
  if (bytes.length === 0 || bytes.length > maxBytes) return undefined
  try {
    const x: unknown = decode(bytes)
    return guard(x) ? x : undefined
  } catch {
    return undefined
  }
}
