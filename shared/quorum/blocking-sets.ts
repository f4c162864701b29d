// Minimal blocking sets: the smallest node sets whose failure (crash) leaves no quorum, so no
// node can make progress. A set blocks every quorum exactly when it meets every minimal quorum,
// so these are the minimal hitting sets (transversals) of the minimal quorums, found with an
// MMCS-style search (Murakami & Uno): grow the set only with nodes of one unmet quorum, and
// cut a branch once a chosen node stops being the only member in some quorum (it would be
// redundant, so the set could not be minimal).
import { Bits } from './bitset.ts'
import type { Budget } from './fbas.ts'

export const minimalHittingSets = (sets: readonly Bits[], capacity: number, budget: Budget): Bits[] => {
  const out: Bits[] = []
  const members = sets.map((s) => s.toArray())
  const step = (chosen: number[], unmet: number[], candidates: Bits): void => {
    budget.spend(1 + unmet.length, 'minimal blocking sets')
    if (unmet.length === 0) {
      out.push(Bits.of(capacity, chosen))
      return
    }
    let pick = unmet[0]!
    let best = Number.POSITIVE_INFINITY
    for (const u of unmet) {
      const n = members[u]!.filter((v) => candidates.has(v)).length
      if (n < best) {
        best = n
        pick = u
      }
    }
    const options = members[pick]!.filter((v) => candidates.has(v))
    const rest = candidates.clone()
    for (const v of options) rest.remove(v)
    for (const v of options) {
      const next = [...chosen, v]
      if (everyOneNeeded(next, sets)) {
        step(
          next,
          unmet.filter((u) => !sets[u]!.has(v)),
          rest,
        )
      }
      rest.add(v)
    }
  }
  const all = new Bits(capacity)
  for (const s of sets) for (const v of s.toArray()) all.add(v)
  step(
    [],
    sets.map((_, i) => i),
    all,
  )
  return out
}

/** Each chosen node is the only chosen node in at least one set (else it is redundant). */
const everyOneNeeded = (chosen: readonly number[], sets: readonly Bits[]): boolean =>
  chosen.every((c) => sets.some((s) => s.has(c) && chosen.every((d) => d === c || !s.has(d))))
