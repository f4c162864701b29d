// Transaction sets: the wire form (encoded txs in canonical order, chained to the previous header)
// and the checked form applyLedger consumes. Checking decodes every tx strictly and verifies all
// signatures in one batch through the Verifier port, so WebCrypto can keep them in flight together.
import { type CID, cidOf } from '../codec/dag-cbor.ts'
import { type Address, addressOf } from '../crypto/address.ts'
import type { Verifier, VerifyItem } from '../crypto/signer.ts'
import { bytesEqual, compareBytes, toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { Protocol } from './operations/registry.ts'
import { decodeTx, MAX_TX_BYTES, type SignedTx, type TxId, txSigningHash } from './tx.ts'

export interface TxSet {
  readonly prevHeader: CID
  readonly txs: readonly Uint8Array[]
}

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

const toChecked = (
  bytes: Uint8Array,
  tx: SignedTx,
  hash: Uint8Array,
  sigResults: readonly boolean[],
): CheckedTx => {
  const source = addressOf(tx.body.source)
  const signers = new Set(tx.sigs.map((s) => (bytesEqual(s.pk, tx.body.source) ? source : addressOf(s.pk))))
  return {
    bytes,
    tx,
    id: toHex(hash) as TxId,
    hash,
    source,
    signers,
    opCount: tx.body.ops.length,
    sigOk: sigResults.every(Boolean) && signers.has(source),
  }
}

/** Decodes and verifies many transactions with one batched verification. */
export const checkTxs = async (
  encoded: readonly Uint8Array[],
  protocol: Protocol,
  verifier: Verifier,
): Promise<Result<CheckedTx, WattError>[]> => {
  const decoded = encoded.map((b) => decodeTx(b, protocol))
  const hashes = decoded.map((d) => (d.ok ? txSigningHash(d.value.bodyBytes) : undefined))
  const items: VerifyItem[] = []
  for (const [i, d] of decoded.entries()) {
    if (!d.ok) continue
    const message = hashes[i]!
    for (const s of d.value.sigs) items.push({ publicKey: s.pk, message, signature: s.sig })
  }
  const results = await verifier.verifyBatch(items)
  let at = 0
  return decoded.map((d, i) => {
    if (!d.ok) return d
    const n = d.value.sigs.length
    const checked = toChecked(encoded[i]!, d.value, hashes[i]!, results.slice(at, at + n))
    at += n
    return ok(checked)
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

/** Builds a set from already-checked transactions, in canonical order. */
export const makeTxSet = (prevHeader: CID, txs: readonly CheckedTx[]): CheckedTxSet => {
  const sorted = [...txs].sort(compareTxOrder)
  const set: TxSet = { prevHeader, txs: sorted.map((t) => t.bytes) }
  return { cid: cidOf(set), set, txs: sorted }
}

/**
 * Checks a set received from a peer or a store: every tx decodes and the order is canonical.
 * Transactions with bad signatures stay in (applyLedger rejects them with `bad_signature`).
 */
export const checkTxSet = async (
  set: TxSet,
  protocol: Protocol,
  verifier: Verifier,
  maxTxs: number,
): Promise<Result<CheckedTxSet, WattError>> => {
  if (set.txs.length > maxTxs) return err(wattError('bad_tx_set', { reason: 'too_many_txs' }))
  if (set.txs.some((t) => !(t instanceof Uint8Array) || t.length > MAX_TX_BYTES)) {
    return err(wattError('bad_tx_set', { reason: 'malformed' }))
  }
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
