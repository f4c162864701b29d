// The retrieval-checks module's genesis parameters (docs/retrieval-checks.md). A round is a fixed
// count of ledgers (a day at 5 s closes by default): its first ledger draws the samples from the
// previous header, checkers report during the round, and the first ledger of the next round
// tallies them. Every limit bounds stored data or work per ledger: samples per round, checkers per
// sample, checkers in all (each round's assignment hashes samples x checkers), rounds of history.
import { intParam, paramsSpec, unitsParam } from '../ledger/params.ts'

export interface ChecksParams {
  /** Ledgers per round; round r runs from ledger r x roundLedgers to the one before (r+1) x roundLedgers. */
  readonly roundLedgers: number
  /** Samples drawn per round at most (fewer when too few active replicas are found). */
  readonly samplesPerRound: number
  /** Checkers assigned to each sample (fewer when fewer checkers are registered). */
  readonly checkersPerSample: number
  /** Reports a sample needs to be counted; then a strict majority of them decides it. */
  readonly quorum: number
  /** Registered checkers at most. */
  readonly maxCheckers: number
  /** Locked from a checker's balance while it is registered, returned when it leaves. */
  readonly checkerBond: bigint
  /** Rounds a provider's success rate covers (its buckets older than that are dropped). */
  readonly historyRounds: number
}

export const checksParams = paramsSpec<ChecksParams>(
  {
    roundLedgers: intParam(17_280, 2, 10_000_000),
    samplesPerRound: intParam(32, 1, 256),
    checkersPerSample: intParam(3, 1, 15),
    quorum: intParam(2, 1, 15),
    maxCheckers: intParam(256, 1, 1000),
    checkerBond: unitsParam(10_000_000n),
    historyRounds: intParam(30, 1, 366),
  },
  (p) => (p.quorum > p.checkersPerSample ? 'quorum' : undefined),
)
