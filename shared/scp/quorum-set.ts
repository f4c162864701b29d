// The quorum set type shared by consensus (shared/scp) and analysis (shared/quorum): a node's
// own choice of whom it trusts, as nested threshold sets (depth <= 4 by the sanity rules).
import type { Brand } from '../util/brand.ts'

/** A node's identity as a printable string (its WATT node address). */
export type NodeId = Brand<string, 'NodeId'>

export interface QuorumSet {
  readonly threshold: number
  readonly validators: readonly NodeId[]
  readonly innerSets: readonly QuorumSet[]
}
