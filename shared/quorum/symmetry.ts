// Interchangeable nodes: v and w are interchangeable when swapping their numbers maps the FBAS
// onto itself (same quorum set shapes, named together wherever named). Searches then take
// the members of such a group only in a fixed order and expand each result afterwards, which
// divides the work by the number of orderings (organisations of 3 nodes: 6 per organisation).
import { Bits } from './bitset.ts'
import type { Budget, Fbas, IndexQuorumSet } from './fbas.ts'

const shape = (q: IndexQuorumSet, rename: (v: number) => number): string =>
  `${q.threshold}(${q.validators
    .map(rename)
    .sort((a, b) => a - b)
    .join(',')}|${q.inner
    .map((i) => shape(i, rename))
    .sort()
    .join(';')})`

const swappable = (fbas: Fbas, v: number, w: number): boolean => {
  const swap = (x: number) => (x === v ? w : x === w ? v : x)
  const id = (x: number) => x
  for (let u = 0; u < fbas.names.length; u++) {
    const touched = u === v || u === w || fbas.trusts[u]!.has(v) || fbas.trusts[u]!.has(w)
    if (touched && shape(fbas.qsets[swap(u)]!, swap) !== shape(fbas.qsets[u]!, id)) return false
  }
  return true
}

/** For each node of `order`, the previous member of its group in `order` (or -1). */
export const symmetricPredecessors = (fbas: Fbas, order: readonly number[]): Map<number, number> => {
  const byShape = new Map<string, number[][]>()
  const prev = new Map<number, number>()
  for (const v of order) {
    const key = shape(fbas.qsets[v]!, () => 0)
    const candidates = byShape.get(key) ?? []
    const group = candidates.find((g) => swappable(fbas, g[0]!, v))
    prev.set(v, group ? group[group.length - 1]! : -1)
    if (group) group.push(v)
    else {
      candidates.push([v])
      byShape.set(key, candidates)
    }
  }
  return prev
}

const kSubsets = (items: readonly number[], k: number, budget: Budget): number[][] => {
  budget.spend(1, 'symmetric expansion')
  return k === 0
    ? [[]]
    : items.flatMap((x, i) => kSubsets(items.slice(i + 1), k - 1, budget).map((rest) => [x, ...rest]))
}

/** Every set obtained from `set` by replacing its members of each group by other members. */
export const expandSymmetric = (set: Bits, prev: ReadonlyMap<number, number>, budget: Budget): Bits[] => {
  const groupOf = new Map<number, number[]>()
  for (const [v, p] of prev) {
    const g = p === -1 ? [v] : groupOf.get(p)!
    if (p !== -1) g.push(v)
    groupOf.set(v, g)
  }
  let out = [new Bits(set.capacity)]
  const seen = new Set<number[]>()
  for (const g of groupOf.values()) {
    if (seen.has(g)) continue
    seen.add(g)
    const k = g.filter((v) => set.has(v)).length
    const choices = kSubsets(g, k, budget)
    budget.spend(out.length * choices.length, 'symmetric expansion')
    out = out.flatMap((base) => choices.map((c) => c.reduce((b, v) => b.add(v), base.clone())))
  }
  const rest = set.toArray().filter((v) => !groupOf.has(v))
  return out.map((b) => rest.reduce((acc, v) => acc.add(v), b))
}
