// Wire messages of the consensus node, one `type`-tagged union per gossip topic, DAG-CBOR
// encoded and strictly guarded: a malformed message is a counted drop, never an exception.
import { CID, decode, encode } from '../codec/dag-cbor.ts'
import { MAX_PROOF_ENTRIES, type TxSet } from '../ledger/index.ts'
import { isQuorumSetShape, MAX_QUORUM_NODES, type QuorumSet } from '../scp/index.ts'
import { isValidatorRequestShape, type ValidatorRequest } from './validator-request.ts'

/** On the `scp` topic. */
export type ScpMessage =
  | { readonly type: 'envelope'; readonly env: Uint8Array; readonly qset: QuorumSet }
  | { readonly type: 'txset'; readonly set: TxSet }
  | { readonly type: 'txset-req'; readonly cid: string }
  | ValidatorRequest

/** One closed ledger as a catching-up node needs it: enough to re-apply and to check the quorum. */
export interface ArchivedLedger {
  readonly seq: number
  readonly value: Uint8Array
  readonly set: TxSet
  /** Encoded, signed EXTERNALIZE envelopes of validators for this slot. */
  readonly externalizes: readonly Uint8Array[]
  readonly qsets: readonly QuorumSet[]
}

/** On the `ledger` topic. */
export type LedgerMessage =
  | { readonly type: 'catchup-req'; readonly from: number; readonly limit: number }
  | { readonly type: 'catchup-res'; readonly ledgers: readonly ArchivedLedger[] }

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
export const isTxSet = (x: unknown): x is TxSet =>
  isObj(x) &&
  CID.asCID(x.prevHeader) !== null &&
  Array.isArray(x.txs) &&
  x.txs.every((t) => t instanceof Uint8Array) &&
  Array.isArray(x.proof) &&
  x.proof.length <= MAX_PROOF_ENTRIES &&
  x.proof.every((e) => e instanceof Uint8Array)

export const encodeMessage = (m: ScpMessage | LedgerMessage): Uint8Array => encode(m)

// Messages are immutable values. One byte array handed to many nodes in memory (the simulator's
// broadcast) is decoded once: both memos are keyed by the array itself (weakly held), so bytes
// off the wire, a fresh array each time, never hit them. Decoded messages must not be modified.
const scpMemo = new WeakMap<Uint8Array, ScpMessage | undefined>()
const ledgerMemo = new WeakMap<Uint8Array, LedgerMessage | undefined>()
const memoized =
  <T>(memo: WeakMap<Uint8Array, T | undefined>, fn: (bytes: Uint8Array) => T | undefined) =>
  (bytes: Uint8Array): T | undefined => {
    if (memo.has(bytes)) return memo.get(bytes)
    const m = fn(bytes)
    memo.set(bytes, m)
    return m
  }

export const decodeScpMessage = memoized(scpMemo, (bytes: Uint8Array): ScpMessage | undefined => {
  const d = decode<unknown>(bytes, 1 << 20)
  if (!d.ok || !isObj(d.value)) return undefined
  const m = d.value
  if (m.type === 'envelope' && m.env instanceof Uint8Array && isQuorumSetShape(m.qset)) return m as ScpMessage
  if (m.type === 'txset' && isTxSet(m.set)) return m as ScpMessage
  if (m.type === 'txset-req' && typeof m.cid === 'string' && m.cid.length < 100) return m as ScpMessage
  if (isValidatorRequestShape(m)) return m as unknown as ScpMessage
  return undefined
})

export const MAX_CATCHUP_BATCH = 32
/** EXTERNALIZE entries one archived ledger may carry: one per node of the largest quorum set. */
export const MAX_ARCHIVED_EXTERNALIZES = MAX_QUORUM_NODES
/** Quorum sets one archived ledger may carry. */
export const MAX_ARCHIVED_QSETS = 64

export const decodeLedgerMessage = memoized(ledgerMemo, (bytes: Uint8Array): LedgerMessage | undefined => {
  const d = decode<unknown>(bytes, 1 << 20)
  if (!d.ok || !isObj(d.value)) return undefined
  const m = d.value
  if (m.type === 'catchup-req' && Number.isSafeInteger(m.from) && Number.isSafeInteger(m.limit))
    return m as LedgerMessage
  if (
    m.type === 'catchup-res' &&
    Array.isArray(m.ledgers) &&
    m.ledgers.length <= MAX_CATCHUP_BATCH &&
    m.ledgers.every(
      (l) =>
        isObj(l) &&
        Number.isSafeInteger(l.seq) &&
        l.value instanceof Uint8Array &&
        isTxSet(l.set) &&
        Array.isArray(l.externalizes) &&
        l.externalizes.length <= MAX_ARCHIVED_EXTERNALIZES &&
        l.externalizes.every((e) => e instanceof Uint8Array) &&
        Array.isArray(l.qsets) &&
        l.qsets.length <= MAX_ARCHIVED_QSETS &&
        l.qsets.every(isQuorumSetShape),
    )
  )
    return m as LedgerMessage
  return undefined
})
