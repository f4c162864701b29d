// The quorum sets a node knows: its own, and those named by envelopes it verified (by hash, for
// SCP's quorum checks, and per node, as that node's announcement for the health view). A set
// an envelope under check announces is visible only during SCP's synchronous precheck, so
// nothing unverified is ever filed (issue 12, finding 3).
import { BoundedMap } from './bounded-map.ts'
import { type NodeId, type QuorumSet, quorumSetHash } from '../scp/index.ts'

export const MAX_KNOWN_QUORUM_SETS = 1024

export const createQuorumSetBook = (nodeId: NodeId, local: QuorumSet) => {
  const localHash = quorumSetHash(local)
  const byHash = new BoundedMap<string, QuorumSet>(MAX_KNOWN_QUORUM_SETS)
  const byNode = new BoundedMap<NodeId, QuorumSet>(MAX_KNOWN_QUORUM_SETS)
  let candidate: { hash: string; qset: QuorumSet } | undefined
  byHash.set(localHash, local)
  return {
    get: (hash: string): QuorumSet | undefined =>
      hash === localHash
        ? local
        : (byHash.get(hash) ?? (candidate?.hash === hash ? candidate.qset : undefined)),
    /** Runs `check` (synchronously) with `qset` readable under `hash`, unfiled. */
    whileChecking<T>(hash: string, qset: QuorumSet | undefined, check: () => T): T {
      candidate = qset && { hash, qset }
      try {
        return check()
      } finally {
        candidate = undefined
      }
    },
    /** A verified envelope of `node` named this set. */
    announced(node: NodeId, hash: string, qset: QuorumSet) {
      byHash.set(hash, qset)
      byNode.set(node, qset)
    },
    /** A set a verified statement names (catch-up), not tied to an announcement. */
    file(hash: string, qset: QuorumSet) {
      byHash.set(hash, qset)
    },
    /** Sets to ship in an archived ledger (bounded). */
    some: (limit: number): QuorumSet[] => [...byHash.values()].slice(0, limit),
    /** The latest set each node announced, this node's own included. */
    announcements: (): Map<NodeId, QuorumSet> => new Map([...byNode, [nodeId, local]]),
  }
}

export type QuorumSetBook = ReturnType<typeof createQuorumSetBook>
