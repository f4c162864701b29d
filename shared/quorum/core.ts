// The core of an FBAS: the union of its consensus clusters (strongly connected components
// that contain a quorum). Restricting to the core is fbas_analyzer's `--only-core-nodes`:
// nodes outside it vanish from every quorum set (thresholds unchanged), keeping numbering.
import { Bits } from './bitset.ts'
import { quorumClusters } from './closure.ts'
import { type Budget, buildFbas, type Fbas, type IndexQuorumSet, UNSATISFIABLE } from './fbas.ts'

export const coreNodes = (fbas: Fbas, budget: Budget): Bits => {
  const n = fbas.names.length
  const core = new Bits(n)
  for (const c of quorumClusters(fbas, Bits.all(n), new Bits(n), budget))
    for (const v of c.toArray()) core.add(v)
  return core
}

const keepOnly = (q: IndexQuorumSet, keep: Bits): IndexQuorumSet => ({
  threshold: q.threshold,
  validators: q.validators.filter((v) => keep.has(v)),
  inner: q.inner.map((i) => keepOnly(i, keep)),
})

/** The FBAS with every node outside `keep` made absent (unsatisfiable and named by no one). */
export const restrictTo = (fbas: Fbas, keep: Bits): Fbas =>
  buildFbas(
    fbas.names,
    fbas.qsets.map((q, v) => (keep.has(v) ? keepOnly(q, keep) : UNSATISFIABLE)),
  )
