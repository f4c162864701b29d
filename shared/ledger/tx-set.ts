// Transaction sets: the wire form (encoded txs in canonical order, chained to the previous header)
// and the checked form applyLedger consumes. Checking decodes every tx strictly and verifies all
// signatures in one batch through the Verifier port, so WebCrypto can keep them in flight together.
import { CID, cidOf } from '../codec/dag-cbor.ts'
import { type Address, addressOf } from '../crypto/address.ts'
import type { Verifier, VerifyItem } from '../crypto/signer.ts'
import { bytesEqual, compareBytes, toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { Protocol } from './module.ts'
import { decodeBody, decodeEnvelope, MAX_TX_BYTES, type SignedTx, type TxId, txSigningHash } from './tx.ts'

export interface TxSet {
  readonly prevHeader: CID
  readonly txs: readonly Uint8Array[]
  /**
   * The close proof of the previous ledger: encoded EXTERNALIZE envelopes of the validators whose
   * signature credits them (node rewards), one per node, sorted by node. The ledger only checks
   * its shape; consensus checks every entry before it votes (shared/node/close-proof.ts), and the
   * header commits to it through the set's CID.
   */
  readonly proof: readonly Uint8Array[]
}

/** Most entries a close proof holds: one per node of the largest quorum set. */
export const MAX_PROOF_ENTRIES = 1000
/** Largest encoded envelope a proof entry may be. */
export const MAX_PROOF_ENTRY_BYTES = 64 * 1024

export interface CheckedTx {
  readonly bytes: Uint8Array
  readonly tx: SignedTx
  readonly id: TxId
  readonly hash: Uint8Array
  readonly source: Address
  readonly signers: ReadonlySet<Address>
  readonly opCount: number
  /** Every signature verified and the source among the signers. */
  readonly sigOk: boolean
  /** Pays no fee and every operation is `feeless` (the min fee does not apply). */
  readonly free: boolean
  /** Free, and an operation `opensAccount`: it may open its source's account. */
  readonly opens: boolean
}

export interface CheckedTxSet {
  readonly cid: CID
  readonly set: TxSet
  readonly txs: readonly CheckedTx[]
}

/** Canonical order inside a set: by source address, then sequence, then tx hash. */
export const compareTxOrder = (a: CheckedTx, b: CheckedTx): number => {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1
  if (a.tx.body.seq !== b.tx.body.seq) return a.tx.body.seq < b.tx.body.seq ? -1 : 1
  return compareBytes(a.hash, b.hash)
}

/** A decoded tx's identity and signers, computed while its signatures are being verified. */
const prepare = (bytes: Uint8Array, tx: SignedTx, hash: Uint8Array, protocol: Protocol) => {
  const source = addressOf(tx.body.source)
  const signers = new Set(tx.sigs.map((s) => (bytesEqual(s.pk, tx.body.source) ? source : addressOf(s.pk))))
  const handlers = tx.body.ops.map((o) => protocol.operations.get(o.type))
  const free = tx.body.fee === 0n && handlers.every((h) => h?.feeless === true)
  const opens = free && handlers.some((h) => h?.opensAccount === true)
  return {
    bytes,
    tx,
    id: toHex(hash) as TxId,
    hash,
    source,
    signers,
    opCount: tx.body.ops.length,
    free,
    opens,
  }
}

/**
 * Decodes and verifies many transactions with one batched verification. (Starting the batch
 * before parsing the bodies, to overlap the two, measured slower in Node on a loaded machine.)
 */
export const checkTxs = async (
  encoded: readonly Uint8Array[],
  protocol: Protocol,
  verifier: Verifier,
): Promise<Result<CheckedTx, WattError>[]> => {
  const envelopes = encoded.map(decodeEnvelope)
  const items: VerifyItem[] = []
  const hashes = envelopes.map((e) => {
    if (!e.ok) return undefined
    const message = txSigningHash(e.value.bodyBytes)
    for (const s of e.value.sigs) items.push({ publicKey: s.pk, message, signature: s.sig })
    return message
  })
  const prepared = envelopes.map((e, i) => {
    if (!e.ok) return e
    const d = decodeBody(e.value, protocol)
    return d.ok ? ok(prepare(encoded[i]!, d.value, hashes[i]!, protocol)) : d
  })
  const results = await verifier.verifyBatch(items)
  let at = 0
  return prepared.map((p, i) => {
    const e = envelopes[i]!
    const n = e.ok ? e.value.sigs.length : 0
    at += n
    if (!p.ok) return p
    const sigOk = p.value.signers.has(p.value.source) && results.slice(at - n, at).every(Boolean)
    return ok({ ...p.value, sigOk })
  })
}

/** Decodes and verifies one submitted transaction: a bad signature is rejected here. */
export const checkTx = async (
  bytes: Uint8Array,
  protocol: Protocol,
  verifier: Verifier,
): Promise<Result<CheckedTx, WattError>> => {
  const [r] = await checkTxs([bytes], protocol, verifier)
  if (!r!.ok) return r!
  return r!.value.sigOk ? r! : err(wattError('bad_signature', { tx: r!.value.id }))
}

/** Builds a set from already-checked transactions, in canonical order, with a close proof. */
export const makeTxSet = (
  prevHeader: CID,
  txs: readonly CheckedTx[],
  proof: readonly Uint8Array[] = [],
): CheckedTxSet => {
  const sorted = [...txs].sort(compareTxOrder)
  const set: TxSet = { prevHeader, txs: sorted.map((t) => t.bytes), proof }
  return { cid: cidOf(set), set, txs: sorted }
}

const isProofShape = (x: unknown): boolean =>
  Array.isArray(x) &&
  x.length <= MAX_PROOF_ENTRIES &&
  x.every((e) => e instanceof Uint8Array && e.length <= MAX_PROOF_ENTRY_BYTES)

/**
 * Checks a set received from a peer or a store: it chains to a header CID, every tx decodes and
 * the order is canonical. Transactions with bad signatures stay in (applyLedger rejects them with
 * `bad_signature`).
 */
/**
 * Most bytes of transactions one set carries. A set travels in one SCP-topic message (64 KiB,
 * shared/net/topics.ts) next to its close proof; a set larger than that message could never reach
 * the other validators, and since every validator sees the same mempool, every leader would
 * build one: a few large transactions would halt the network. Nominators select within it and
 * validators refuse sets beyond it.
 */
export const MAX_TX_SET_BYTES = 48 * 1024

export const checkTxSet = async (
  set: TxSet,
  protocol: Protocol,
  verifier: Verifier,
  maxTxs: number,
): Promise<Result<CheckedTxSet, WattError>> => {
  if (CID.asCID(set.prevHeader) === null || !Array.isArray(set.txs) || !isProofShape(set.proof))
    return err(wattError('bad_tx_set', { reason: 'malformed' }))
  if (set.txs.length > maxTxs) return err(wattError('bad_tx_set', { reason: 'too_many_txs' }))
  if (set.txs.some((t) => !(t instanceof Uint8Array) || t.length > MAX_TX_BYTES)) {
    return err(wattError('bad_tx_set', { reason: 'malformed' }))
  }
  if (set.txs.reduce((n, t) => n + t.length, 0) > MAX_TX_SET_BYTES)
    return err(wattError('bad_tx_set', { reason: 'too_large' }))
  const checked = await checkTxs(set.txs, protocol, verifier)
  const txs: CheckedTx[] = []
  for (const c of checked) {
    if (!c.ok) return err(wattError('bad_tx_set', { reason: 'bad_tx', cause: c.error }))
    txs.push(c.value)
  }
  for (let i = 1; i < txs.length; i++) {
    if (compareTxOrder(txs[i - 1]!, txs[i]!) >= 0) {
      return err(wattError('bad_tx_set', { reason: 'order' }))
    }
  }
  return ok({ cid: cidOf(set), set, txs })
}
