// Signed envelopes on the wire: DAG-CBOR { statement, signature }, the signature covering
// DAG-CBOR { networkId, statement } so an envelope cannot be replayed on another network.
import { decode, encode } from '../codec/dag-cbor.ts'
import { bytesEqual } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { parseStatement, type Statement, type StatementLimits, statementToData } from './statement.ts'

export interface Envelope {
  readonly statement: Statement
  readonly signature: Uint8Array
}

export const MAX_SIGNATURE_BYTES = 128

// Envelopes and statements are immutable values. One object handed to many nodes in memory
// (the simulator's broadcast) is parsed and encoded once: both memos are keyed by the object
// itself (weakly held), so bytes off the wire, decoded afresh each time, never hit them.
const signed = new WeakMap<Statement, { readonly networkId: Uint8Array; readonly bytes: Uint8Array }>()
const parsed = new WeakMap<
  object,
  { readonly lim: StatementLimits; readonly result: Result<Envelope, WattError> }
>()

/** The bytes a node signs for a statement (callers must not modify them). */
export const signingBytes = (networkId: Uint8Array, statement: Statement): Uint8Array => {
  const hit = signed.get(statement)
  if (hit !== undefined && bytesEqual(hit.networkId, networkId)) return hit.bytes
  const bytes = encode({ networkId, statement: statementToData(statement) })
  signed.set(statement, { networkId, bytes })
  return bytes
}

export const encodeEnvelope = (env: Envelope): Uint8Array =>
  encode({ statement: statementToData(env.statement), signature: env.signature })

/** Guards decoded data (or an object handed over in memory) into an envelope. */
export const parseEnvelope = (x: unknown, lim: StatementLimits): Result<Envelope, WattError> => {
  if (typeof x !== 'object' || x === null) return err(wattError('malformed', { field: 'envelope' }))
  const hit = parsed.get(x)
  if (
    hit !== undefined &&
    hit.lim.maxValueBytes === lim.maxValueBytes &&
    hit.lim.maxNominationValues === lim.maxNominationValues
  )
    return hit.result
  const result = parseFresh(x as { statement?: unknown; signature?: unknown }, lim)
  parsed.set(x, { lim, result })
  return result
}

const parseFresh = (
  e: { statement?: unknown; signature?: unknown },
  lim: StatementLimits,
): Result<Envelope, WattError> => {
  if (!(e.signature instanceof Uint8Array) || e.signature.length > MAX_SIGNATURE_BYTES)
    return err(wattError('malformed', { field: 'signature' }))
  const st = parseStatement(e.statement, lim)
  if (!st.ok) return st
  return ok({ statement: st.value, signature: e.signature })
}

/** Decoded envelopes by the byte array they came from (the simulator hands one to many nodes). */
const decoded = new WeakMap<
  Uint8Array,
  {
    readonly lim: StatementLimits & { readonly maxEnvelopeBytes: number }
    readonly result: Result<Envelope, WattError>
  }
>()

export const decodeEnvelope = (
  bytes: Uint8Array,
  lim: StatementLimits & { readonly maxEnvelopeBytes: number },
): Result<Envelope, WattError> => {
  const hit = decoded.get(bytes)
  if (hit !== undefined && hit.lim === lim) return hit.result
  const d = decode(bytes, lim.maxEnvelopeBytes)
  const result = d.ok ? parseEnvelope(d.value, lim) : d
  decoded.set(bytes, { lim, result })
  return result
}
