// Minimal splitting sets: the smallest node sets that, acting Byzantine, can make two quorums
// of the remaining nodes disjoint. Formally S splits when the FBAS with S deleted (S removed
// from every quorum set, thresholds lowered) has two disjoint quorums of non-S nodes; deleting
// S is modelled as S always counting as present ("help"). With no quorum intersection at all
// the empty set splits and is the only minimal splitting set.
//
// Branch and bound over candidate nodes (the top tier first, then the most trusted): each
// branch fixes a selection S and a pool R of nodes still to decide. A branch is cut unless two
// disjoint quorums exist when all of S and R help and only non-S nodes may be members: every
// splitting set between S and S+R would give such quorums, so the cut loses nothing.
import { Bits, keepMinimal } from './bitset.ts'
import { hasDisjointQuorums } from './disjoint-quorums.ts'
import { type Budget, type Fbas, isSatisfied } from './fbas.ts'
import { byTrust } from './minimal-quorums.ts'
import { expandSymmetric, symmetricPredecessors } from './symmetry.ts'

/**
 * Nodes that can matter in a minimal splitting set: trusted by some other node that could be
 * in a quorum when every node helps. A member nobody relevant trusts changes no one's slices,
 * so dropping it from a splitting set leaves one.
 */
const candidatesOf = (fbas: Fbas, topTier: Bits): number[] => {
  const n = fbas.names.length
  const everyone = Bits.all(n)
  const trusted = new Bits(n)
  for (let v = 0; v < n; v++) {
    // v can be a quorum member only if it is satisfied when every node counts as present.
    if (!isSatisfied(fbas.qsets[v]!, everyone)) continue
    for (const w of fbas.trusts[v]!.toArray()) if (w !== v) trusted.add(w)
  }
  const first = trusted.union(topTier).minus(trusted.minus(topTier))
  return [
    ...byTrust(fbas, everyone, first.toArray()),
    ...byTrust(fbas, everyone, trusted.minus(topTier).toArray()),
  ]
}

export const findMinimalSplittingSets = (fbas: Fbas, topTier: Bits, budget: Budget): Bits[] => {
  const n = fbas.names.length
  const everyone = Bits.all(n)
  const order = candidatesOf(fbas, topTier)
  const prev = symmetricPredecessors(fbas, order)
  const found: Bits[] = []
  const splits = (s: Bits) => hasDisjointQuorums(fbas, everyone.minus(s), s, budget)
  const step = (selection: Bits, pool: Bits, at: number): void => {
    budget.spend(1, 'minimal splitting sets')
    if (found.some((f) => f.isSubsetOf(selection))) return
    if (splits(selection)) {
      found.push(selection)
      return
    }
    const c = order[at]
    if (c === undefined) return
    if (!hasDisjointQuorums(fbas, everyone.minus(selection), selection.union(pool), budget)) return
    const rest = pool.without(c)
    const p = prev.get(c) ?? -1
    if (p === -1 || selection.has(p)) step(selection.with(c), rest, at + 1)
    step(selection, rest, at + 1)
  }
  step(new Bits(n), Bits.of(n, order), 0)
  return keepMinimal(found).flatMap((s) => expandSymmetric(s, prev, budget))
}
