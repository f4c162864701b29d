// Transactions: a DAG-CBOR body (network id, source key, sequence, fee, time bounds, memo,
// operations) carried as the exact bytes that were signed: the envelope is {body: bytes, sigs}, the
// signing hash is sha256('WATT-tx' || bodyBytes) and names the tx. Verifiers hash what they
// received, never a re-encoding. Decoding is strict and bounded: exact field sets, sizes capped.
import { sha256Small as sha256 } from '../util/sha256.ts'
import { decode, encode } from '../codec/dag-cbor.ts'
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey, Signature, Signer } from '../crypto/signer.ts'
import type { Brand } from '../util/brand.ts'
import { concatBytes, toHex, utf8 } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { type Amount, asUnits } from './amount.ts'
import type { Protocol } from './module.ts'
import type { Operation } from './operations/registry.ts'
import { exactKeys, isBytes, isSafeNat } from './shape.ts'

export const MAX_TX_BYTES = 8 * 1024
export const MAX_MEMO_BYTES = 64
export const MAX_OPS_PER_TX = 100
export const MAX_SIGS = 4

/** Hex of the 32-byte signing hash: the transaction's identity. */
export type TxId = Brand<string, 'TxId'>

export interface TxBody {
  readonly network: string
  readonly source: PublicKey
  readonly seq: bigint
  /** Total fee bid for the whole transaction, in base units. */
  readonly fee: Amount
  /** Valid from this close time (ms); 0 means no lower bound. */
  readonly minTimeMs: number
  /** Valid until this close time (ms) inclusive; 0 means no upper bound. */
  readonly maxTimeMs: number
  readonly memo: Uint8Array
  readonly ops: readonly Operation[]
}

export interface TxSignature {
  readonly pk: PublicKey
  readonly sig: Signature
}

export interface SignedTx {
  readonly body: TxBody
  /** The DAG-CBOR bytes of `body` exactly as signed and sent. */
  readonly bodyBytes: Uint8Array
  readonly sigs: readonly TxSignature[]
}

const DOMAIN = utf8('WATT-tx')

export const txSigningHash = (bodyBytes: Uint8Array): Uint8Array => sha256(concatBytes(DOMAIN, bodyBytes))
export const txIdOf = (tx: SignedTx): TxId => toHex(txSigningHash(tx.bodyBytes)) as TxId
export const encodeTx = (tx: SignedTx): Uint8Array => encode({ body: tx.bodyBytes, sigs: tx.sigs })
export const sourceOf = (tx: SignedTx): Address => addressOf(tx.body.source)

/** Signs a body with one or more signers (the source's signer must be among them). */
export const signTx = async (body: TxBody, signers: readonly Signer[]): Promise<SignedTx> => {
  const bodyBytes = encode(body)
  const hash = txSigningHash(bodyBytes)
  const sigs = await Promise.all(signers.map(async (s) => ({ pk: s.publicKey, sig: await s.sign(hash) })))
  return { body, bodyBytes, sigs }
}

type TxError = WattError<'malformed' | 'oversized' | 'memo_too_long' | 'unknown_operation'>
const malformed = (field: string): { ok: false; error: TxError } =>
  err(wattError('malformed', { what: 'tx', field }))

const BODY_KEYS = ['network', 'source', 'seq', 'fee', 'minTimeMs', 'maxTimeMs', 'memo', 'ops']

/** The wire envelope: the signed body bytes and the signatures, shapes checked, body unparsed. */
export interface TxEnvelope {
  readonly bodyBytes: Uint8Array
  readonly sigs: readonly TxSignature[]
}

/** First half of decodeTx: enough to hash the body and start verifying the signatures. */
export const decodeEnvelope = (bytes: Uint8Array): Result<TxEnvelope, TxError> => {
  if (bytes.length > MAX_TX_BYTES)
    return err(wattError('oversized', { size: bytes.length, max: MAX_TX_BYTES }))
  const d = decode(bytes, MAX_TX_BYTES)
  if (!d.ok) return malformed('cbor')
  const raw = d.value
  if (!exactKeys(raw, ['body', 'sigs']) || !(raw.body instanceof Uint8Array)) return malformed('root')
  if (!Array.isArray(raw.sigs) || raw.sigs.length === 0 || raw.sigs.length > MAX_SIGS)
    return malformed('sigs')
  for (const s of raw.sigs) {
    if (!exactKeys(s, ['pk', 'sig']) || !isBytes(s.pk, 32) || !isBytes(s.sig, 64)) return malformed('sigs')
  }
  return ok({ bodyBytes: raw.body, sigs: raw.sigs as TxSignature[] })
}

/** Second half of decodeTx: strictly parses the body, each operation by its handler. */
export const decodeBody = (env: TxEnvelope, protocol: Protocol): Result<SignedTx, TxError> => {
  const db = decode(env.bodyBytes, MAX_TX_BYTES)
  if (!db.ok) return malformed('body')
  const b = db.value
  if (!exactKeys(b, BODY_KEYS)) return malformed('body')
  if (typeof b.network !== 'string' || b.network.length > 32) return malformed('network')
  if (!isBytes(b.source, 32)) return malformed('source')
  const seq = asUnits(b.seq)
  const fee = asUnits(b.fee)
  if (seq === undefined) return malformed('seq')
  if (fee === undefined) return malformed('fee')
  if (!isSafeNat(b.minTimeMs) || !isSafeNat(b.maxTimeMs)) return malformed('time_bounds')
  if (!(b.memo instanceof Uint8Array)) return malformed('memo')
  if (b.memo.length > MAX_MEMO_BYTES) return err(wattError('memo_too_long', { max: MAX_MEMO_BYTES }))
  if (!Array.isArray(b.ops) || b.ops.length === 0 || b.ops.length > MAX_OPS_PER_TX) return malformed('ops')
  const ops: Operation[] = []
  for (const [i, o] of b.ops.entries()) {
    if (typeof o !== 'object' || o === null || typeof (o as { type?: unknown }).type !== 'string') {
      return malformed(`ops[${i}]`)
    }
    const handler = protocol.operations.get((o as { type: string }).type)
    if (!handler) return err(wattError('unknown_operation', { type: (o as { type: string }).type, index: i }))
    const parsed = handler.parse(o as Record<string, unknown>)
    if (!parsed.ok) return malformed(`ops[${i}]`)
    ops.push(parsed.value)
  }
  return ok({
    body: { ...(b as unknown as TxBody), seq, fee, ops },
    bodyBytes: env.bodyBytes,
    sigs: env.sigs,
  })
}

/** Strictly decodes wire bytes into a signed transaction (signatures not yet verified). */
export const decodeTx = (bytes: Uint8Array, protocol: Protocol): Result<SignedTx, TxError> => {
  const env = decodeEnvelope(bytes)
  return env.ok ? decodeBody(env.value, protocol) : env
}
