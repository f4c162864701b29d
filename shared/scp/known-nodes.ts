// Which nodes can matter to the local node: those reachable from its quorum set through the
// quorum sets other nodes announced. Statements from anyone else cannot affect any quorum or
// v-blocking set of ours and are rejected before their signature is even checked.
import type { ScpDriver } from './driver.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { checkQuorumSet, MAX_QUORUM_NODES, type QuorumSetHash, quorumSetNodes } from './quorum-utils.ts'

/** Bounds on memory: closure size and remembered sanity verdicts. */
const MAX_KNOWN_NODES = 4 * MAX_QUORUM_NODES
const MAX_SANITY_CACHE = 1024

export class KnownNodes {
  readonly #local: QuorumSet
  readonly #driver: Pick<ScpDriver, 'getQuorumSet'>
  readonly #announced = new Map<NodeId, QuorumSetHash>()
  readonly #sanity = new Map<QuorumSetHash, boolean>()
  #closure: Set<NodeId> | null = null

  constructor(local: QuorumSet, driver: Pick<ScpDriver, 'getQuorumSet'>) {
    this.#local = local
    this.#driver = driver
  }

  /** Sanity of a quorum set named by hash, remembered (bounded). */
  isSane(hash: QuorumSetHash, qset: QuorumSet): boolean {
    const cached = this.#sanity.get(hash)
    if (cached !== undefined) return cached
    const ok = checkQuorumSet(qset).ok
    if (this.#sanity.size >= MAX_SANITY_CACHE) this.#sanity.clear()
    this.#sanity.set(hash, ok)
    return ok
  }

  /** Notes the quorum set a node (already known) announced in an accepted statement. */
  learn(node: NodeId, hash: QuorumSetHash): void {
    if (this.#announced.get(node) === hash) return
    this.#announced.set(node, hash)
    this.#closure = null
  }

  has(node: NodeId): boolean {
    this.#closure ??= this.#compute()
    return this.#closure.has(node)
  }

  #compute(): Set<NodeId> {
    const out = quorumSetNodes(this.#local)
    const queue = [...out]
    while (queue.length > 0 && out.size < MAX_KNOWN_NODES) {
      const hash = this.#announced.get(queue.pop()!)
      const q = hash === undefined ? undefined : this.#driver.getQuorumSet(hash)
      if (q === undefined) continue
      for (const n of quorumSetNodes(q)) {
        if (out.has(n)) continue
        out.add(n)
        queue.push(n)
      }
    }
    return out
  }
}
