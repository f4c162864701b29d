// The labeling graph (Stacked-DRG-like): inside a layer, node i depends on node i-1 and on
// `baseDegree - 1` earlier nodes drawn by bucket sampling (DRSample), which makes each layer a
// depth-robust graph that must be computed in order; between layers, node i depends on
// `expanderDegree` pseudo-random nodes of the previous layer. The graph is public and fixed by
// the parameters; parents are computed on the fly (no parent cache: a browser cannot spare it).
import type { SealParams } from './params.ts'
import { nodeCount } from './params.ts'

/** 32-bit avalanche mixer (murmur3 finalizer). Structure, not secrecy: the graph is public. */
const fmix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const draw = (node: number, k: number, salt: number): number =>
  fmix(Math.imul(node, 0x9e3779b1) ^ fmix(k * 0x27d4eb2f + salt))

/**
 * Writes node `i`'s base parents (all < i) into `out[0..baseDegree)`. Node 0 has none and
 * gets -1 everywhere; node 1 has only node 0.
 */
export const baseParents = (p: SealParams, i: number, out: Int32Array): void => {
  if (i === 0) {
    out.fill(-1, 0, p.baseDegree)
    return
  }
  out[0] = i - 1
  const maxBucket = 31 - Math.clz32(i) // floor(log2 i) >= 0
  for (let k = 1; k < p.baseDegree; k++) {
    if (maxBucket === 0) {
      out[k] = 0
      continue
    }
    const r = draw(i, k, 0x5eed)
    const b = 1 + (r % maxBucket) // bucket: distances in [2^(b-1), 2^b)
    const lo = 1 << (b - 1)
    const dist = lo + (draw(i, k, 0xb0c4) % lo)
    out[k] = i - Math.min(dist, i)
  }
}

/** Writes node `i`'s expander parents (indices in the previous layer) into `out`. */
export const expanderParents = (p: SealParams, i: number, out: Int32Array): void => {
  const mask = nodeCount(p) - 1
  for (let k = 0; k < p.expanderDegree; k++) out[k] = draw(i, k, 0xe4a2) & mask
}
