// Signed envelopes on the wire: DAG-CBOR { statement, signature }, the signature covering
// DAG-CBOR { networkId, statement } so an envelope cannot be replayed on another network.
import { decode, encode } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { parseStatement, type Statement, type StatementLimits, statementToData } from './statement.ts'

export interface Envelope {
  readonly statement: Statement
  readonly signature: Uint8Array
}

export const MAX_SIGNATURE_BYTES = 128

/** The bytes a node signs for a statement. */
export const signingBytes = (networkId: Uint8Array, statement: Statement): Uint8Array =>
  encode({ networkId, statement: statementToData(statement) })

export const encodeEnvelope = (env: Envelope): Uint8Array =>
  encode({ statement: statementToData(env.statement), signature: env.signature })

/** Guards decoded data (or an object handed over in memory) into an envelope. */
export const parseEnvelope = (x: unknown, lim: StatementLimits): Result<Envelope, WattError> => {
  if (typeof x !== 'object' || x === null) return err(wattError('malformed', { field: 'envelope' }))
  const e = x as { statement?: unknown; signature?: unknown }
  if (!(e.signature instanceof Uint8Array) || e.signature.length > MAX_SIGNATURE_BYTES)
    return err(wattError('malformed', { field: 'signature' }))
  const st = parseStatement(e.statement, lim)
  if (!st.ok) return st
  return ok({ statement: st.value, signature: e.signature })
}

export const decodeEnvelope = (
  bytes: Uint8Array,
  lim: StatementLimits & { readonly maxEnvelopeBytes: number },
): Result<Envelope, WattError> => {
  const d = decode(bytes, lim.maxEnvelopeBytes)
  return d.ok ? parseEnvelope(d.value, lim) : d
}
