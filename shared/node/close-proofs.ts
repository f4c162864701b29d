// The EXTERNALIZE envelopes a node holds per recent slot: the proof a closed ledger carries in
// the archive (what catch-up checks), the close proof its next nomination puts in its tx set,
// and what a tx set's proof is checked against. Only nodes whose EXTERNALIZE counts here are kept
// (validators and this node's quorum set). A node may sign more than one EXTERNALIZE of a slot
// (a higher ballot): the few latest verified ones are all remembered, the newest first.
import type { NodeId } from '../scp/index.ts'
import { bytesEqual } from '../util/bytes.ts'
import { BoundedMap } from './bounded-map.ts'

/** Slots whose proofs are kept in memory (the archive keeps its own copies beyond that). */
export const CLOSE_PROOF_SLOTS = 64
/** Verified envelopes remembered per node and slot. */
const VARIANTS = 4

export const createCloseProofs = (counted: (n: NodeId) => boolean, onAdded: (slot: number) => void) => {
  const bySlot = new BoundedMap<number, Map<NodeId, Uint8Array[]>>(CLOSE_PROOF_SLOTS)
  return {
    counted,
    /** Keeps `bytes` (a verified EXTERNALIZE of `node` for `slot`) if that node counts. */
    record(node: NodeId, slot: number, bytes: Uint8Array) {
      if (!counted(node)) return
      const m = bySlot.get(slot) ?? new Map<NodeId, Uint8Array[]>()
      bySlot.set(slot, m)
      const known = m.get(node) ?? []
      if (known.some((b) => bytesEqual(b, bytes))) return
      m.set(node, [bytes, ...known].slice(0, VARIANTS))
      onAdded(slot)
    },
    has: (slot: number, node: NodeId): boolean => bySlot.get(slot)?.has(node) ?? false,
    /** Whether exactly these bytes were verified as `node`'s EXTERNALIZE of `slot`. */
    holds: (slot: number, node: NodeId, bytes: Uint8Array): boolean =>
      bySlot
        .get(slot)
        ?.get(node)
        ?.some((b) => bytesEqual(b, bytes)) ?? false,
    /** The newest envelope of each node for `slot`, sorted by node. */
    envelopes: (slot: number): Uint8Array[] =>
      [...(bySlot.get(slot) ?? new Map<NodeId, Uint8Array[]>())]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, list]) => list[0]!),
    /** Sorted ids of the nodes whose EXTERNALIZE of `slot` is held. */
    signers: (slot: number): NodeId[] => [...(bySlot.get(slot)?.keys() ?? [])].sort(),
  }
}

export type CloseProofs = ReturnType<typeof createCloseProofs>
