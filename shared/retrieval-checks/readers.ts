// What services, views and tests read of the retrieval-checks module over a closed state: the
// registered checkers, the live round and its samples, the samples one checker must try
// (`checksFor`), a provider's public retrieval success rate over the last historyRounds tallied
// rounds (two integer counts, no floats in state) and the bonds the module holds.
import type { Address } from '../crypto/address.ts'
import { stateData } from '../ledger/lists.ts'
import { moduleHeld } from '../ledger/money.ts'
import type { LedgerState } from '../ledger/state.ts'
import {
  type Checker,
  CHECKS,
  checkerList,
  getBuckets,
  getChecker,
  getSample,
  type LiveRound,
  liveRound,
  type Sample,
} from './store.ts'

export interface SampleView extends Sample {
  readonly round: number
  readonly index: number
}

export interface SuccessRate {
  /** Samples of this provider decided in the window, and those decided as retrieved. */
  readonly tried: number
  readonly succeeded: number
}

const samplesOf = (s: LedgerState): SampleView[] => {
  const d = stateData(s)
  const live = liveRound(d)
  if (live === undefined) return []
  return Array.from({ length: live.samples }, (_, i) => ({
    ...getSample(d, i)!,
    round: live.round,
    index: i,
  }))
}

/** The provider's counts over the tallied rounds in the window (the module passes historyRounds). */
export const successRate = (s: LedgerState, provider: string, historyRounds: number): SuccessRate => {
  const live = liveRound(stateData(s))
  const from = (live?.round ?? 0) - historyRounds
  let [tried, succeeded] = [0, 0]
  for (const b of getBuckets(stateData(s), provider))
    if (b.round >= from) [tried, succeeded] = [tried + b.tried, succeeded + b.succeeded]
  return { tried, succeeded }
}

export const checksReaders = {
  checkers: (s: LedgerState): Address[] => checkerList(stateData(s)),
  checker: (s: LedgerState, a: string): Checker | undefined => getChecker(stateData(s), a),
  liveRound: (s: LedgerState): LiveRound | undefined => liveRound(stateData(s)),
  samples: samplesOf,
  /** The live round's samples assigned to `checker` (none when `round` is not the live round). */
  checksFor: (s: LedgerState, checker: string, round: number): SampleView[] =>
    samplesOf(s).filter((x) => x.round === round && x.checkers.includes(checker as Address)),
  held: (s: LedgerState): bigint => moduleHeld(stateData(s), CHECKS),
}
