// The trust graph of one day in compact form: accounts interned to dense indices, and the
// circles as a directed CSR graph (edge u -> v when u put v in its circle, i.e. u vouches for
// v). Typed arrays keep 10^6 accounts with 3-5 edges each within a few tens of MB.
import type { CircleInput } from './day-inputs.ts'

export interface AccountIndex {
  /** Index -> address, in order of first appearance. */
  readonly names: string[]
  readonly ids: Map<string, number>
}

export const createAccountIndex = (): AccountIndex => ({ names: [], ids: new Map() })

/** Returns the dense index of an address, adding it if new. */
export const intern = (index: AccountIndex, address: string): number => {
  let id = index.ids.get(address)
  if (id === undefined) {
    id = index.names.length
    index.ids.set(address, id)
    index.names.push(address)
  }
  return id
}

export interface TrustGraph {
  readonly n: number
  /** Out-edges of u are outTo[outStart[u] .. outStart[u + 1]). */
  readonly outStart: Uint32Array
  readonly outTo: Uint32Array
  /** Number of distinct accounts vouching for v. */
  readonly inDegree: Uint32Array
}

/**
 * Builds the CSR graph. Per circle: self-references and repeats are dropped and at most
 * `maxMembers` members are kept (in the given order); if an account has several circle
 * entries, the first one counts. Every address must already be interned.
 */
export const buildTrustGraph = (
  index: AccountIndex,
  circles: readonly CircleInput[],
  maxMembers: number,
): TrustGraph => {
  const n = index.names.length
  const seen = new Uint8Array(n)
  const edges: number[][] = []
  const owners: number[] = []
  const outDegree = new Uint32Array(n)
  for (const c of circles) {
    const u = index.ids.get(c.account)!
    if (seen[u]) continue
    seen[u] = 1
    const kept: number[] = []
    for (const m of c.members) {
      const v = index.ids.get(m)!
      if (v !== u && !kept.includes(v) && kept.length < maxMembers) kept.push(v)
    }
    owners.push(u)
    edges.push(kept)
    outDegree[u] = kept.length
  }
  const outStart = new Uint32Array(n + 1)
  for (let u = 0; u < n; u++) outStart[u + 1] = outStart[u]! + outDegree[u]!
  const outTo = new Uint32Array(outStart[n]!)
  const inDegree = new Uint32Array(n)
  for (let i = 0; i < owners.length; i++) {
    let at = outStart[owners[i]!]!
    for (const v of edges[i]!) {
      outTo[at++] = v
      inDegree[v]!++
    }
  }
  return { n, outStart, outTo, inDegree }
}
