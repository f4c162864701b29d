// Re-floods transactions that are still waiting in the mempool, as stellar-core's transaction
// queue does. Gossip gives no delivery guarantee: a tx published before the node's mesh formed
// (gossipsub then sends it to nobody) or lost on the way would otherwise wait in one node's
// mempool until it expires, while the validators never see it. Each pending tx is sent again
// after 1, 2, 4 ... ledgers (capped), and at most `maxPerClose` a ledger, so a large mempool
// costs bounded traffic.
import type { CheckedTx } from '../ledger/index.ts'

export interface TxRebroadcastLimits {
  /** The longest wait, in ledgers, between two floods of the same tx. */
  readonly maxIntervalLedgers: number
  /** Txs flooded again after one ledger close, at most. */
  readonly maxPerClose: number
}

export const DEFAULT_TX_REBROADCAST: TxRebroadcastLimits = { maxIntervalLedgers: 16, maxPerClose: 64 }

export interface TxRebroadcast {
  /** The tx was just flooded (admitted from the API or from gossip) in `slot`. */
  flooded(id: string, slot: number): void
  /** After `slot` closed: the bytes of the pending txs due for another flood, oldest first. */
  due(slot: number, pending: readonly CheckedTx[]): Uint8Array[]
}

export const createTxRebroadcast = (limits: TxRebroadcastLimits = DEFAULT_TX_REBROADCAST): TxRebroadcast => {
  // id -> when it was last flooded and how long to wait before the next flood; holds only
  // what the mempool still holds, so it is bounded by the mempool's own limit
  const sent = new Map<string, { at: number; wait: number }>()
  return {
    flooded(id, slot) {
      if (!sent.has(id)) sent.set(id, { at: slot, wait: 1 })
    },
    due(slot, pending) {
      const live = new Set(pending.map((t) => t.id as string))
      for (const id of sent.keys()) if (!live.has(id)) sent.delete(id)
      const out: Uint8Array[] = []
      for (const t of pending) {
        if (out.length >= limits.maxPerClose) break
        const s = sent.get(t.id)
        if (s && slot - s.at < s.wait) continue
        out.push(t.bytes)
        sent.set(t.id, { at: slot, wait: Math.min(limits.maxIntervalLedgers, (s?.wait ?? 1) * 2) })
      }
      return out
    },
  }
}
