// The EXTERNALIZE envelopes a node holds per recent slot: the proof a closed ledger carries in
// the archive (what catch-up checks), and whose statements the next nomination credits. Only
// nodes whose EXTERNALIZE counts here are kept (genesis validators and this node's quorum set).
import { BoundedMap } from './bounded-map.ts'
import type { NodeId } from '../scp/index.ts'

/** Slots whose proofs are kept in memory (the archive keeps its own copies beyond that). */
export const CLOSE_PROOF_SLOTS = 64

export const createCloseProofs = (counted: (n: NodeId) => boolean, onAdded: (slot: number) => void) => {
  const bySlot = new BoundedMap<number, Map<NodeId, Uint8Array>>(CLOSE_PROOF_SLOTS)
  return {
    counted,
    /** Keeps `bytes` (a verified EXTERNALIZE of `node` for `slot`) if that node counts. */
    record(node: NodeId, slot: number, bytes: Uint8Array) {
      if (!counted(node)) return
      const m = bySlot.get(slot) ?? new Map<NodeId, Uint8Array>()
      bySlot.set(slot, m)
      m.set(node, bytes)
      onAdded(slot)
    },
    has: (slot: number, node: NodeId): boolean => bySlot.get(slot)?.has(node) ?? false,
    envelopes: (slot: number): Uint8Array[] => [...(bySlot.get(slot)?.values() ?? [])],
    /** Sorted ids of the nodes whose EXTERNALIZE of `slot` is held. */
    signers: (slot: number): NodeId[] => [...(bySlot.get(slot)?.keys() ?? [])].sort(),
  }
}

export type CloseProofs = ReturnType<typeof createCloseProofs>
