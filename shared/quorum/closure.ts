// The two building blocks of every analysis: the largest quorum inside a node set, and the
// split of a node set into strongly connected components of the trust graph.
//
// Both take a `help` set: nodes treated as always present for satisfying slices, whether or
// not they are members. That is how Byzantine (deleted) nodes are modelled: deleting node x
// from every quorum set and lowering thresholds accordingly is the same as counting x as
// present in every slice.
import { Bits } from './bitset.ts'
import { type Budget, type Fbas, isSatisfied } from './fbas.ts'

/** The largest quorum among `within` when the `help` nodes always count as present (maybe empty). */
export const greatestQuorum = (fbas: Fbas, within: Bits, help: Bits, budget: Budget): Bits => {
  const members = within.clone()
  const present = members.union(help)
  let changed = true
  while (changed) {
    changed = false
    const list = members.toArray()
    budget.spend(list.length, 'quorum closure')
    for (const v of list) {
      if (!isSatisfied(fbas.qsets[v]!, present)) {
        members.remove(v)
        if (!help.has(v)) present.remove(v)
        changed = true
      }
    }
  }
  return members
}

export const isQuorum = (fbas: Fbas, set: Bits, help: Bits): boolean => {
  if (set.isEmpty()) return false
  const present = set.union(help)
  return set.toArray().every((v) => isSatisfied(fbas.qsets[v]!, present))
}

/** Whether `q` is a quorum none of whose proper subsets is one. */
export const isMinimalQuorum = (fbas: Fbas, q: Bits, help: Bits, budget: Budget): boolean =>
  isQuorum(fbas, q, help) &&
  q.toArray().every((v) => greatestQuorum(fbas, q.without(v), help, budget).isEmpty())

/**
 * Strongly connected components of `nodes`, following an edge v -> w when w is in v's quorum
 * set, in `nodes` and not a helper (helpers never constrain anyone). Iterative Tarjan.
 */
export const components = (fbas: Fbas, nodes: Bits, help: Bits, budget: Budget): Bits[] => {
  const list = nodes.toArray()
  budget.spend(list.length, 'components')
  const live = nodes.minus(help)
  const n = fbas.names.length
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack: number[] = []
  const out: Bits[] = []
  let counter = 0
  const succ = (v: number) => fbas.trusts[v]!.toArray().filter((w) => live.has(w))
  for (const root of list) {
    if (index[root] !== -1) continue
    const frames: { v: number; next: number[]; i: number }[] = []
    const open = (v: number) => {
      index[v] = low[v] = counter++
      stack.push(v)
      onStack[v] = 1
      frames.push({ v, next: succ(v), i: 0 })
    }
    open(root)
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!
      if (f.i < f.next.length) {
        const w = f.next[f.i++]!
        if (index[w] === -1) open(w)
        else if (onStack[w]) low[f.v] = Math.min(low[f.v]!, index[w]!)
        continue
      }
      frames.pop()
      const parent = frames[frames.length - 1]
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[f.v]!)
      if (low[f.v] === index[f.v]) {
        const comp = new Bits(n)
        let w: number
        do {
          w = stack.pop()!
          onStack[w] = 0
          comp.add(w)
        } while (w !== f.v)
        out.push(comp)
      }
    }
  }
  return out
}

/**
 * The components that contain a quorum ("consensus clusters"). Every minimal quorum lies
 * inside exactly one of them, so all searches can run per cluster.
 */
export const quorumClusters = (fbas: Fbas, nodes: Bits, help: Bits, budget: Budget): Bits[] => {
  const top = greatestQuorum(fbas, nodes, help, budget)
  return components(fbas, top, help, budget).filter((c) => !greatestQuorum(fbas, c, help, budget).isEmpty())
}
