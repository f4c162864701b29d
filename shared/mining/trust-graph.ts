// One day's inputs in compact form: every address interned once to a dense index, and the
// circles as a directed CSR graph (edge u -> v when u put v in its circle, i.e. u vouches for
// v). Typed arrays keep 10^6 accounts with 3-5 edges each within a few tens of MB; each input
// string is hashed exactly once, which is what dominates the cost at that size.
import type { DayInputs } from './day-inputs.ts'

export interface TrustGraph {
  readonly n: number
  /** Out-edges of u are outTo[outStart[u] .. outStart[u + 1]). */
  readonly outStart: Uint32Array
  readonly outTo: Uint32Array
  /** Number of distinct accounts vouching for v. */
  readonly inDegree: Uint32Array
}

export interface IndexedDay {
  /** Index -> address: checked-in accounts first, then validators, seeds, circles, invites. */
  readonly names: readonly string[]
  readonly checkedIn: Uint32Array
  readonly validators: Uint32Array
  readonly seeds: Uint32Array
  /** Pairs (invitee, ambassador), in input order. */
  readonly invites: Uint32Array
  readonly graph: TrustGraph
}

/**
 * Interns the day and builds its graph. Per circle: self-references and repeats are dropped and
 * at most `maxMembers` members are kept (in the given order); if an account has several circle
 * entries, the first one counts.
 */
export const indexDay = (d: DayInputs, maxMembers: number): IndexedDay => {
  const names: string[] = []
  const ids = new Map<string, number>()
  const intern = (a: string): number => {
    let id = ids.get(a)
    if (id === undefined) {
      id = names.length
      ids.set(a, id)
      names.push(a)
    }
    return id
  }
  let cap = d.checkedIn.length + d.validators.length + d.seeds.length + 2 * d.invites.length
  for (const c of d.circles) cap += 1 + c.members.length
  const checkedIn = Uint32Array.from(d.checkedIn, intern)
  const validators = Uint32Array.from(d.validators, (v) => intern(v.account))
  const seeds = Uint32Array.from(d.seeds, intern)
  const hasCircle = new Uint8Array(cap)
  const src = new Uint32Array(cap)
  const dst = new Uint32Array(cap)
  let m = 0
  for (const c of d.circles) {
    const u = intern(c.account)
    if (hasCircle[u]) continue
    hasCircle[u] = 1
    const first = m
    for (const member of c.members) {
      if (m - first >= maxMembers) break
      const v = intern(member)
      let repeat = v === u
      for (let e = first; e < m && !repeat; e++) repeat = dst[e] === v
      if (repeat) continue
      src[m] = u
      dst[m++] = v
    }
  }
  const invites = new Uint32Array(2 * d.invites.length)
  d.invites.forEach((inv, i) => {
    invites[2 * i] = intern(inv.account)
    invites[2 * i + 1] = intern(inv.ambassador)
  })
  const n = names.length
  const outStart = new Uint32Array(n + 1)
  const inDegree = new Uint32Array(n)
  for (let e = 0; e < m; e++) {
    outStart[src[e]! + 1]!++
    inDegree[dst[e]!]!++
  }
  for (let u = 0; u < n; u++) outStart[u + 1]! += outStart[u]!
  const fill = outStart.slice(0, n)
  const outTo = new Uint32Array(m)
  for (let e = 0; e < m; e++) outTo[fill[src[e]!]!++] = dst[e]!
  return { names, checkedIn, validators, seeds, invites, graph: { n, outStart, outTo, inDegree } }
}
