// Decides whether two disjoint quorums exist among `within` when the `help` nodes count as
// present (the FBAS after deleting `help`, in the sense of Mazières' delete operation). This
// is the core test of the splitting-set search, so it stops at the first witness.
import { Bits } from './bitset.ts'
import { greatestQuorum, isQuorum, quorumClusters } from './closure.ts'
import type { Budget, Fbas } from './fbas.ts'
import { byTrust } from './minimal-quorums.ts'

/**
 * Searches one cluster for a quorum whose complement in the cluster still holds a quorum.
 * Of two disjoint quorums one has at most half the cluster, so larger selections are cut,
 * and so is any selection whose complement already holds no quorum.
 */
const clusterSplits = (fbas: Fbas, cluster: Bits, help: Bits, budget: Budget): boolean => {
  const order = byTrust(fbas, cluster, cluster.toArray())
  const half = Math.floor(order.length / 2)
  const step = (selection: Bits, size: number, allowed: Bits, at: number, grew: boolean): boolean => {
    budget.spend(1, 'disjoint quorums')
    if (grew && isQuorum(fbas, selection, help)) {
      return !greatestQuorum(fbas, cluster.minus(selection), help, budget).isEmpty()
    }
    if (size >= half) return false
    let i = at
    while (i < order.length && !allowed.has(order[i]!)) i++
    const c = order[i]
    if (c === undefined) return false
    const grown = selection.with(c)
    const rest = greatestQuorum(fbas, cluster.minus(grown), help, budget)
    if (!rest.isEmpty() && step(grown, size + 1, allowed, i + 1, true)) return true
    const narrowed = greatestQuorum(fbas, allowed.without(c), help, budget)
    return (
      !narrowed.isEmpty() && selection.isSubsetOf(narrowed) && step(selection, size, narrowed, i + 1, false)
    )
  }
  return step(new Bits(fbas.names.length), 0, greatestQuorum(fbas, cluster, help, budget), 0, false)
}

export const hasDisjointQuorums = (fbas: Fbas, within: Bits, help: Bits, budget: Budget): boolean => {
  const clusters = quorumClusters(fbas, within, help, budget)
  if (clusters.length >= 2) return true
  const only = clusters[0]
  return only !== undefined && clusterSplits(fbas, only, help, budget)
}
