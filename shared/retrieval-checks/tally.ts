// A sample's verdict from the reports it received (docs/retrieval-checks.md, "Tally"): fewer than
// `quorum` reports decide nothing; otherwise the answer a strict majority of the reports gave,
// where two 'ok' reports agree only when they name the same leaf CID. A checker that says 'ok'
// without fetching cannot know the leaf, so its 'ok' does not join the honest ones; a tie, or
// 'ok's split over leaves, decides nothing. Pure.
import { FAILED } from './store.ts'

export type Verdict = 'ok' | 'failed' | 'undecided'

export const verdictOf = (reports: readonly string[], quorum: number): Verdict => {
  if (reports.length < quorum || reports.length === 0) return 'undecided'
  const counts = new Map<string, number>()
  for (const r of reports) counts.set(r, (counts.get(r) ?? 0) + 1)
  for (const [answer, n] of counts) if (2 * n > reports.length) return answer === FAILED ? 'failed' : 'ok'
  return 'undecided'
}
