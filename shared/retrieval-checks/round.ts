// The retrieval-checks close step (`retrieval-checks/round`): in the first ledger of each round
// (its seq a multiple of roundLedgers) it tallies the round that just ended (each sample's verdict
// into its provider's bucket for that round, then the sample is deleted) and draws the new round's
// samples and checkers from this ledger's previous header hash: randomness nobody knew before
// the last ledger of the ended round closed. Reports for the ended round are late from here on.
// Work is bounded: samplesPerRound x DRAWS_PER_SAMPLE draws, samples x maxCheckers hashes.
import type { Address } from '../crypto/address.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import type { ChecksParams } from './params.ts'
import { assignCheckers, drawSamples } from './sampling.ts'
import {
  CHECKS,
  checkerList,
  getBuckets,
  getChecker,
  getSample,
  keys,
  liveRound,
  putBuckets,
  putSample,
  roundOf,
} from './store.ts'
import { verdictOf } from './tally.ts'

/** Adds one decided sample to the provider's bucket of `round`; drops buckets older than the kept history. */
const count = (d: LedgerDraft, p: ChecksParams, provider: Address, round: number, ok: boolean): void => {
  const all = getBuckets(d, provider)
  const kept = all.filter((b) => b.round > round - p.historyRounds && b.round !== round)
  const old = all.find((b) => b.round === round) ?? { round, tried: 0, succeeded: 0 }
  const now = { round, tried: old.tried + 1, succeeded: old.succeeded + (ok ? 1 : 0) }
  putBuckets(d, provider, [...kept, now])
}

/** Tallies and deletes the live round's samples; returns [decided, succeeded]. */
const tallyRound = (d: LedgerDraft, p: ChecksParams): [bigint, bigint] => {
  const live = liveRound(d)
  let [decided, succeeded] = [0n, 0n]
  if (live === undefined) return [decided, succeeded]
  for (let i = 0; i < live.samples; i++) {
    const s = getSample(d, i)!
    const v = verdictOf(Object.values(s.reports), p.quorum)
    if (v !== 'undecided') {
      count(d, p, s.provider, live.round, v === 'ok')
      decided++
      if (v === 'ok') succeeded++
    }
    putSample(d, i, undefined)
  }
  return [decided, succeeded]
}

/** Draws the round's samples and assigns checkers registered before this ledger. */
const drawRound = (d: LedgerDraft, p: ChecksParams, round: number): number => {
  const eligible = checkerList(d).filter((a) => getChecker(d, a)!.joined < d.seq)
  const drawn = drawSamples(d, d.prevHeader, p.samplesPerRound)
  drawn.forEach((s, i) => {
    const checkers = assignCheckers(d.prevHeader, i, eligible, s.provider, p.checkersPerSample)
    putSample(d, i, { ...s, checkers, reports: {} })
  })
  d.putData(CHECKS, keys.round, { round, samples: drawn.length })
  return drawn.length
}

export const roundCloseStep: CloseStep<ChecksParams> = {
  name: 'retrieval-checks/round',
  run: (d, ctx): ModuleTotals | undefined => {
    const p = ctx.params
    if (d.seq % p.roundLedgers !== 0) return undefined
    const [decided, succeeded] = tallyRound(d, p)
    const samples = drawRound(d, p, roundOf(d.seq, p.roundLedgers))
    return { samples: BigInt(samples), decided, succeeded }
  },
}
