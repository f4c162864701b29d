// Strict wire parsing shared by the market's operations: exact keys, then typed fields.
import { type Amount, asUnits } from '../ledger/amount.ts'
import type { ParseCode } from '../ledger/result-codes.ts'
import { cidString, parseCid } from '../codec/dag-cbor.ts'
import { exactKeys, isBytes, isSafeNat } from '../ledger/shape.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'

export type FieldKind =
  | 'nat'
  | 'amount'
  | 'bool'
  /** A CID in text form, normalized to its canonical string. */
  | 'cid'
  /** A libp2p peer id in its base58 text form (where the provider's node takes deal data). */
  | 'peer'
  | { bytes: number }
  | { maxBytes: number }
  /** 1..max public keys (32 bytes each). */
  | { keys: number }
  /** 1..max safe natural numbers. */
  | { nats: number }

/** Longest CID text a deal may name. */
export const MAX_CID_TEXT = 120
/** Longest peer id text (an Ed25519 peer id is 52 characters). */
export const MAX_PEER_TEXT = 64
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/

const parsePeerText = (x: unknown): string | undefined =>
  typeof x === 'string' && x.length <= MAX_PEER_TEXT && BASE58.test(x) ? x : undefined

const parseCidText = (x: unknown): string | undefined => {
  if (typeof x !== 'string' || x.length > MAX_CID_TEXT) return undefined
  const c = parseCid(x)
  return c.ok && cidString(c.value) === x ? x : undefined
}

const listOf = (x: unknown, max: number, each: (y: unknown) => boolean): unknown =>
  Array.isArray(x) && x.length >= 1 && x.length <= max && x.every(each) ? x : undefined

type Parsed = Record<string, unknown>

const fieldOk = (x: unknown, kind: FieldKind): unknown => {
  if (kind === 'nat') return isSafeNat(x) ? x : undefined
  if (kind === 'amount') return asUnits(x) as Amount | undefined
  if (kind === 'bool') return typeof x === 'boolean' ? x : undefined
  if (kind === 'cid') return parseCidText(x)
  if (kind === 'peer') return parsePeerText(x)
  if ('keys' in kind) return listOf(x, kind.keys, (y) => isBytes(y, 32))
  if ('nats' in kind) return listOf(x, kind.nats, isSafeNat)
  if (!(x instanceof Uint8Array)) return undefined
  if ('bytes' in kind) return x.length === kind.bytes ? x : undefined
  return x.length >= 1 && x.length <= kind.maxBytes ? x : undefined
}

/** `type` plus exactly the named fields, each of its kind; `malformed` names the first bad one. */
export const parseFields = <O>(
  type: string,
  raw: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, FieldKind>>,
  extra: (o: Parsed) => string | undefined = () => undefined,
): Result<O, WattError<ParseCode>> => {
  const names = Object.keys(fields)
  if (!exactKeys(raw, ['type', ...names])) return err(wattError('malformed', { what: type }))
  const out: Parsed = { type }
  for (const n of names) {
    const v = fieldOk(raw[n], fields[n]!)
    if (v === undefined) return err(wattError('malformed', { what: type, field: n }))
    out[n] = v
  }
  const bad = extra(out)
  return bad === undefined ? ok(out as O) : err(wattError('malformed', { what: type, field: bad }))
}
