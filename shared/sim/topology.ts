// Network shapes for the simulator, after stellar-core's simulation topologies: a full-mesh
// core, a cycle, hierarchical tiers, and random trust graphs built like the whitepaper's
// security circles (every member's slices include the core, so quorums intersect). Each
// topology gives every node its quorum set and the peers that must hear its envelopes.
import { twoThirds } from '../quorum/threshold.ts'
import type { NodeId, QuorumSet } from '../scp/quorum-set.ts'
import type { Rng } from '../util/prng.ts'

export type TopologyKind = 'core' | 'cycle' | 'tiers' | 'circles'
export const TOPOLOGY_KINDS: readonly TopologyKind[] = ['core', 'cycle', 'tiers', 'circles']

export interface Topology {
  readonly kind: TopologyKind
  readonly ids: readonly NodeId[]
  readonly quorumSets: readonly QuorumSet[]
  /** peers[i]: the nodes whose quorum closure contains node i (who needs i's envelopes). */
  readonly peers: readonly (readonly number[])[]
  /** Directed trust edges (security circles), node index -> trusted node indices. */
  readonly circles: readonly (readonly number[])[]
  /** Nodes every quorum contains a quorum of (the core); Byzantine nodes are drawn from here. */
  readonly core: readonly number[]
}

export const flatSet = (
  validators: readonly NodeId[],
  threshold = twoThirds(validators.length),
): QuorumSet => ({
  threshold,
  validators,
  innerSets: [],
})

const members = (q: QuorumSet, out: Set<NodeId>): void => {
  for (const v of q.validators) out.add(v)
  for (const s of q.innerSets) members(s, out)
}

/** For each node, every node reachable through quorum-set membership (its quorum closure). */
const interestPeers = (ids: readonly NodeId[], qsets: readonly QuorumSet[]): number[][] => {
  const index = new Map(ids.map((id, i) => [id, i]))
  const direct = qsets.map((q) => {
    const s = new Set<NodeId>()
    members(q, s)
    return [...s].map((id) => index.get(id)).filter((i): i is number => i !== undefined)
  })
  const peers: number[][] = ids.map(() => [])
  for (let j = 0; j < ids.length; j++) {
    const seen = new Uint8Array(ids.length)
    seen[j] = 1
    const stack = [...direct[j]!]
    while (stack.length > 0) {
      const i = stack.pop()!
      if (seen[i] === 1) continue
      seen[i] = 1
      peers[i]!.push(j)
      for (const k of direct[i]!) if (seen[k] === 0) stack.push(k)
    }
  }
  for (const p of peers) p.sort((a, b) => a - b)
  return peers
}

const build = (
  kind: TopologyKind,
  ids: readonly NodeId[],
  qsets: QuorumSet[],
  core: number[],
  circles: number[][] = ids.map(() => []),
): Topology => ({ kind, ids, quorumSets: qsets, peers: interestPeers(ids, qsets), circles, core })

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/** Everyone trusts everyone with a two-thirds threshold. */
export const coreTopology = (ids: readonly NodeId[]): Topology => {
  const q = flatSet(ids)
  return build(
    'core',
    ids,
    ids.map(() => q),
    range(ids.length),
  )
}

/** Node i needs itself and node i+1 (threshold 2): the only quorum is the whole ring. */
export const cycleTopology = (ids: readonly NodeId[]): Topology =>
  build(
    'cycle',
    ids,
    ids.map((id, i) =>
      flatSet(ids.length === 1 ? [id] : [id, ids[(i + 1) % ids.length]!], Math.min(2, ids.length)),
    ),
    range(ids.length),
  )

const coreCount = (n: number, requested: number): number => Math.max(1, Math.min(n, requested))

/**
 * Tiers: a core trusting itself; a middle tier of size ~sqrt(n) needing itself plus a core
 * quorum; leaves needing 2 of {themselves, a core quorum, 2 of 3 middle nodes}.
 */
export const tiersTopology = (ids: readonly NodeId[], rng: Rng, coreSize = 7): Topology => {
  const c = coreCount(ids.length, coreSize)
  const coreSet = flatSet(ids.slice(0, c))
  const midEnd = Math.min(ids.length, c + Math.ceil(Math.sqrt(ids.length)))
  const qsets = ids.map((id, i): QuorumSet => {
    if (i < c) return coreSet
    if (i < midEnd || midEnd - c < 3) return { threshold: 2, validators: [id], innerSets: [coreSet] }
    const mids: NodeId[] = []
    while (mids.length < 3) {
      const m = ids[c + rng.int(midEnd - c)]!
      if (!mids.includes(m)) mids.push(m)
    }
    return { threshold: 2, validators: [id], innerSets: [coreSet, flatSet(mids, 2)] }
  })
  return build('tiers', ids, qsets, range(c))
}

/**
 * Security circles: each non-core node vouches for 3-5 random other non-core nodes; its quorum
 * set needs a core quorum AND a majority of its circle, so every quorum holds a core quorum
 * (intersection) and no node is listed twice.
 */
export const circlesTopology = (ids: readonly NodeId[], rng: Rng, coreSize = 7): Topology => {
  const c = coreCount(ids.length, coreSize)
  const coreSet = flatSet(ids.slice(0, c))
  const circles: number[][] = ids.map(() => [])
  const qsets = ids.map((_, i): QuorumSet => {
    const others = ids.length - c - 1
    if (i < c || others < 3) return coreSet
    const want = Math.min(others, 3 + rng.int(3))
    const circle = circles[i]!
    while (circle.length < want) {
      const j = c + rng.int(ids.length - c)
      if (j !== i && !circle.includes(j)) circle.push(j)
    }
    const circleSet = flatSet(
      circle.map((j) => ids[j]!),
      Math.floor(circle.length / 2) + 1,
    )
    return { threshold: 2, validators: [], innerSets: [coreSet, circleSet] }
  })
  return build('circles', ids, qsets, range(c), circles)
}

export const makeTopology = (
  kind: TopologyKind,
  ids: readonly NodeId[],
  rng: Rng,
  coreSize = 7,
): Topology => {
  switch (kind) {
    case 'core':
      return coreTopology(ids)
    case 'cycle':
      return cycleTopology(ids)
    case 'tiers':
      return tiersTopology(ids, rng, coreSize)
    case 'circles':
      return circlesTopology(ids, rng, coreSize)
  }
}
