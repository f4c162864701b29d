// Enumerates all minimal quorums: per consensus cluster, a branch-and-bound search that
// decides node by node (most trusted first) whether it is in the quorum, and drops a branch
// as soon as the nodes still allowed cannot hold a quorum containing the current choice.
import { Bits } from './bitset.ts'
import { greatestQuorum, isMinimalQuorum, isQuorum, quorumClusters } from './closure.ts'
import type { Budget, Fbas } from './fbas.ts'
import { expandSymmetric, symmetricPredecessors } from './symmetry.ts'

/** Nodes of `set` ordered by how many nodes of `set` trust them (most first), then by number. */
export const byTrust = (fbas: Fbas, set: Bits, candidates: readonly number[]): number[] => {
  const score = new Map<number, number>()
  for (const c of candidates) score.set(c, 0)
  for (const v of set.toArray())
    for (const w of fbas.trusts[v]!.toArray()) if (score.has(w)) score.set(w, score.get(w)! + 1)
  return [...candidates].sort((a, b) => score.get(b)! - score.get(a)! || a - b)
}

const searchCluster = (fbas: Fbas, cluster: Bits, help: Bits, budget: Budget, out: Bits[]): void => {
  const order = byTrust(fbas, cluster, cluster.toArray())
  const prev = symmetricPredecessors(fbas, order)
  const found: Bits[] = []
  const step = (selection: Bits, allowed: Bits, at: number, grew: boolean): void => {
    budget.spend(1, 'minimal quorums')
    if (grew && isQuorum(fbas, selection, help)) {
      if (isMinimalQuorum(fbas, selection, help, budget)) found.push(selection)
      return
    }
    let i = at
    while (i < order.length && !allowed.has(order[i]!)) i++
    const c = order[i]
    if (c === undefined) return
    const p = prev.get(c) ?? -1
    if (p === -1 || selection.has(p)) step(selection.with(c), allowed, i + 1, true)
    const narrowed = greatestQuorum(fbas, allowed.without(c), help, budget)
    if (!narrowed.isEmpty() && selection.isSubsetOf(narrowed)) step(selection, narrowed, i + 1, false)
  }
  step(new Bits(fbas.names.length), greatestQuorum(fbas, cluster, help, budget), 0, false)
  for (const q of found) out.push(...expandSymmetric(q, prev, budget))
}

/** All minimal quorums of the FBAS. */
export const findMinimalQuorums = (fbas: Fbas, budget: Budget): Bits[] => {
  const h = new Bits(fbas.names.length)
  const out: Bits[] = []
  for (const cluster of quorumClusters(fbas, Bits.all(fbas.names.length), h, budget)) {
    searchCluster(fbas, cluster, h, budget, out)
  }
  return out
}
