// Surge pricing: when more operations wait than a ledger holds, take transactions by highest fee per
// operation first (compared exactly by cross-multiplication), ties by lower tx hash, and only ever an
// account's next transaction in sequence order. A transaction that does not fit ends its account's
// run for this ledger (its successors depend on it); other accounts go on filling the space left.
import { compareBytes } from '../util/bytes.ts'
import { createHeap } from '../util/heap.ts'

export interface SurgeCandidate {
  readonly source: string
  readonly hash: Uint8Array
  readonly opCount: number
  /** Its wire bytes (a set's transactions fit MAX_TX_SET_BYTES). */
  readonly bytes: { readonly length: number }
  /** A fee-free transaction (at most `maxFree` of them per ledger). */
  readonly free?: boolean
  readonly tx: { readonly body: { readonly seq: bigint; readonly fee: bigint } }
}

/** Negative when a pays more per operation than b (a goes first), then by hash. */
export const compareFeeRate = (a: SurgeCandidate, b: SurgeCandidate): number => {
  const l = a.tx.body.fee * BigInt(b.opCount)
  const r = b.tx.body.fee * BigInt(a.opCount)
  if (l !== r) return l > r ? -1 : 1
  return compareBytes(a.hash, b.hash)
}

/** Groups by source, each account's queue in sequence order. */
export const queuesBySource = <T extends SurgeCandidate>(txs: readonly T[]): T[][] => {
  const m = new Map<string, T[]>()
  for (const t of txs) {
    const q = m.get(t.source)
    if (q) q.push(t)
    else m.set(t.source, [t])
  }
  const queues = [...m.values()]
  for (const q of queues) q.sort((a, b) => (a.tx.body.seq < b.tx.body.seq ? -1 : 1))
  return queues
}

/**
 * Picks the transactions of the next ledger from account queues within `capacityOps`, and at most
 * `maxFree` fee-free ones (they pay least, so they go last: free only while the ledger has room).
 */
export const selectBySurgePricing = <T extends SurgeCandidate>(
  txs: readonly T[],
  capacityOps: number,
  maxFree = Number.POSITIVE_INFINITY,
  maxBytes = Number.POSITIVE_INFINITY,
): T[] => {
  const heads = createHeap<{ q: T[]; i: number }>((a, b) => compareFeeRate(a.q[a.i]!, b.q[b.i]!) < 0)
  for (const q of queuesBySource(txs)) heads.push({ q, i: 0 })
  const picked: T[] = []
  let used = 0
  let free = 0
  let bytes = 0
  for (let h = heads.pop(); h; h = heads.pop()) {
    const t = h.q[h.i]!
    // a source whose next tx does not fit stops here: its later ones would break the sequence
    if (used + t.opCount > capacityOps || bytes + t.bytes.length > maxBytes || (t.free && free >= maxFree))
      continue
    used += t.opCount
    bytes += t.bytes.length
    if (t.free) free++
    picked.push(t)
    if (h.i + 1 < h.q.length) heads.push({ q: h.q, i: h.i + 1 })
  }
  return picked
}
