// One entry point for the full analysis of an FBAS, with results named by node number:
// quorum intersection, top tier, minimal quorums, minimal blocking sets, minimal splitting
// sets (definitions of Florian et al. 2022, conventions of fbas_analyzer).
import { err, ok, type Result, toWattError, WattFailure } from '../util/errors.ts'
import { Bits, compareSets } from './bitset.ts'
import { minimalHittingSets } from './blocking-sets.ts'
import { coreNodes, restrictTo } from './core.ts'
import { Budget, type Fbas, type QuorumError } from './fbas.ts'
import { findMinimalQuorums } from './minimal-quorums.ts'
import { findMinimalSplittingSets } from './splitting-sets.ts'

export interface FbasAnalysis {
  /** Every two quorums share a node (false when there is no quorum at all, as in fbas_analyzer). */
  readonly intersection: boolean
  /** The union of all minimal quorums. */
  readonly topTier: number[]
  readonly minimalQuorums: number[][]
  readonly minimalBlockingSets: number[][]
  readonly minimalSplittingSets: number[][]
}

export interface AnalyzeOptions {
  /**
   * 'core' (default) looks for splitting sets in the FBAS reduced to its core, as
   * fbas_analyzer's `--only-core-nodes` and its published results do: it finds every set
   * that can split core nodes from each other. 'all' also counts splits among nodes outside
   * the core (watchers, badly configured nodes); exhaustive, and far costlier on real networks.
   */
  readonly splittingScope?: 'core' | 'all'
  /** Work limit; beyond it the analysis fails with `too_large`. */
  readonly maxSteps?: number
}

/** Tens of seconds of search at most (about 50 s seen on a loaded machine). */
export const DEFAULT_MAX_STEPS = 20_000_000

const sorted = (sets: readonly Bits[]): number[][] => sets.map((s) => s.toArray()).sort(compareSets)

export const allIntersect = (sets: readonly Bits[]): boolean =>
  sets.every((a, i) => sets.every((b, j) => j <= i || a.intersects(b)))

export const analyzeFbas = (fbas: Fbas, options: AnalyzeOptions = {}): Result<FbasAnalysis, QuorumError> => {
  const budget = new Budget(options.maxSteps ?? DEFAULT_MAX_STEPS)
  const n = fbas.names.length
  try {
    const quorums = findMinimalQuorums(fbas, budget)
    const topTier = new Bits(n)
    for (const q of quorums) for (const v of q.toArray()) topTier.add(v)
    const blocking = minimalHittingSets(quorums, n, budget)
    const scope = options.splittingScope === 'all' ? fbas : restrictTo(fbas, coreNodes(fbas, budget))
    const splitting = findMinimalSplittingSets(scope, topTier, budget)
    return ok({
      intersection: quorums.length > 0 && allIntersect(quorums),
      topTier: topTier.toArray(),
      minimalQuorums: sorted(quorums),
      minimalBlockingSets: sorted(blocking),
      minimalSplittingSets: sorted(splitting),
    })
  } catch (e) {
    if (e instanceof WattFailure) return err(toWattError(e) as QuorumError)
    throw e
  }
}
