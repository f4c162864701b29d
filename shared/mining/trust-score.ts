// The Sybil-resistant score of one day: a SybilRank-style early-terminated trust walk.
// Trust mass starts at the seed accounts and flows only along vouches (u -> v when u put v
// in its circle), split evenly over u's circle, for about log2(n) steps; an account with no
// circle keeps what it holds. Each account's trust is then normalized by its in-degree and
// compared with the trust-weighted median of that normalized trust, which the honest region
// (holding nearly all the mass) fixes; Sybils cannot move it by adding accounts. All integer.
import { bitLength, floorDiv, mulDiv, PPM } from './fixed.ts'
import type { MiningParams } from './params.ts'
import type { TrustGraph } from './trust-graph.ts'

/** Total trust mass; small enough that r * PPM stays below 2^53 (see score below). */
export const TRUST_MASS = 2 ** 32

export interface TrustScores {
  /** Score per account in ppm, 0..PPM. */
  readonly score: Uint32Array
  /** Trust mass per account after the walk. */
  readonly mass: Float64Array
  readonly steps: number
  /** Normalized trust at which the score saturates at 1. */
  readonly reference: number
}

/** Number of walk steps for n accounts: ceil(log2(n + 1)), SybilRank's early termination. */
export const walkSteps = (n: number): number => bitLength(n)

const walk = (g: TrustGraph, seeds: readonly number[], steps: number): Float64Array => {
  let mass = new Float64Array(g.n)
  let next = new Float64Array(g.n)
  const perSeed = floorDiv(TRUST_MASS, Math.max(1, seeds.length))
  for (const s of seeds) mass[s] = perSeed
  const { outStart, outTo } = g
  for (let step = 0; step < steps; step++) {
    next.fill(0)
    for (let u = 0; u < g.n; u++) {
      const t = mass[u]!
      if (t === 0) continue
      const from = outStart[u]!
      const deg = outStart[u + 1]! - from
      if (deg === 0) {
        next[u]! += t
        continue
      }
      const share = floorDiv(t, deg)
      next[u]! += t - share * deg
      for (let e = from; e < from + deg; e++) next[outTo[e]!]! += share
    }
    ;[mass, next] = [next, mass]
  }
  return mass
}

/** Smallest r such that accounts with normalized trust <= r hold at least half the mass. */
const weightedMedian = (norm: Float64Array, mass: Float64Array): number => {
  let total = 0
  let hi = 0
  for (let v = 0; v < norm.length; v++) {
    total += mass[v]!
    if (mass[v]! > 0 && norm[v]! > hi) hi = norm[v]!
  }
  let lo = 0
  while (lo < hi) {
    const mid = floorDiv(lo + hi, 2)
    let below = 0
    for (let v = 0; v < norm.length; v++) if (norm[v]! <= mid) below += mass[v]!
    if (2 * below >= total) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Scores every account of the graph; `seeds` are dense indices (duplicates ignored). */
export const computeTrustScores = (
  g: TrustGraph,
  seeds: ArrayLike<number>,
  params: MiningParams,
): TrustScores => {
  const uniqueSeeds = [...new Set(Array.from(seeds))]
  const steps = walkSteps(g.n)
  const mass = walk(g, uniqueSeeds, steps)
  const norm = new Float64Array(g.n)
  for (let v = 0; v < g.n; v++) norm[v] = floorDiv(mass[v]!, Math.max(1, g.inDegree[v]!))
  const reference = Math.max(1, mulDiv(weightedMedian(norm, mass), params.scoreSaturationPpm, PPM))
  const score = new Uint32Array(g.n)
  for (let v = 0; v < g.n; v++) {
    const r = norm[v]!
    score[v] = r >= reference ? PPM : floorDiv(r * PPM, reference)
  }
  for (const s of uniqueSeeds) score[s] = PPM
  return { score, mass, steps, reference }
}
