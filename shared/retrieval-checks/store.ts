// The retrieval-checks module's ledger data (under d/retrieval-checks/...): the registered
// checkers (addresses in joining order, and each one's bond and joining ledger), the live round
// (its number and sample count), its samples (what to fetch, who is assigned, what each reported)
// and each provider's outcome buckets (one per tallied round, at most historyRounds). Only one
// round's samples exist at a time: the tally deletes them before the next draw writes its own.
import type { Address } from '../crypto/address.ts'
import { asUnits } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import type { DataReader } from '../ledger/lists.ts'

export const CHECKS = 'retrieval-checks'

/** A report as stored: 'failed', or the leaf CID (text) an 'ok' named (a CID text is never 'failed'). */
export const FAILED = 'failed'

export interface Checker {
  readonly bond: bigint
  /** The ledger its joinChecks applied in: it is eligible from the next draw after that ledger. */
  readonly joined: number
}

export interface Sample {
  readonly deal: number
  readonly replica: number
  readonly provider: Address
  /** The deal's root CID (text). */
  readonly cid: string
  /** A 48-bit number; the checker fetches the leaf holding byte `point mod fileSize` (docs). */
  readonly point: number
  /** The assigned checkers, best score first. */
  readonly checkers: readonly Address[]
  /** Checker address -> FAILED or the leaf CID it fetched. */
  readonly reports: Readonly<Record<string, string>>
}

export interface LiveRound {
  readonly round: number
  readonly samples: number
}

/** A provider's tally of one round: samples decided, and decided as retrieved. */
export interface Bucket {
  readonly round: number
  readonly tried: number
  readonly succeeded: number
}

export const keys = {
  /** Addresses of the registered checkers, in joining order (at most maxCheckers). */
  checkers: 'checkers',
  checker: (a: string) => `ck/${a}`,
  round: 'round',
  sample: (i: number) => `s/${i}`,
  rate: (provider: string) => `rate/${provider}`,
}

const num = (x: unknown): number => (typeof x === 'bigint' ? Number(x) : (x as number))

export const checkerList = (d: DataReader): Address[] =>
  (d.getData(CHECKS, keys.checkers) as Address[] | undefined) ?? []

export const putCheckerList = (d: LedgerDraft, list: readonly Address[]): void =>
  d.putData(CHECKS, keys.checkers, list.length === 0 ? undefined : [...list])

export const getChecker = (d: DataReader, a: string): Checker | undefined => {
  const o = d.getData(CHECKS, keys.checker(a)) as { bond: unknown; joined: unknown } | undefined
  return o === undefined ? undefined : { bond: asUnits(o.bond) ?? 0n, joined: num(o.joined) }
}

export const putChecker = (d: LedgerDraft, a: string, c: Checker | undefined): void =>
  d.putData(CHECKS, keys.checker(a), c)

export const liveRound = (d: DataReader): LiveRound | undefined => {
  const o = d.getData(CHECKS, keys.round) as { round: unknown; samples: unknown } | undefined
  return o === undefined ? undefined : { round: num(o.round), samples: num(o.samples) }
}

export const getSample = (d: DataReader, i: number): Sample | undefined => {
  const o = d.getData(CHECKS, keys.sample(i)) as Record<string, unknown> | undefined
  if (o === undefined) return undefined
  return {
    ...(o as unknown as Sample),
    deal: num(o.deal),
    replica: num(o.replica),
    point: num(o.point),
  }
}

export const putSample = (d: LedgerDraft, i: number, s: Sample | undefined): void =>
  d.putData(CHECKS, keys.sample(i), s)

export const getBuckets = (d: DataReader, provider: string): Bucket[] =>
  ((d.getData(CHECKS, keys.rate(provider)) as Record<string, unknown>[] | undefined) ?? []).map((b) => ({
    round: num(b.round),
    tried: num(b.tried),
    succeeded: num(b.succeeded),
  }))

export const putBuckets = (d: LedgerDraft, provider: string, b: readonly Bucket[]): void =>
  d.putData(CHECKS, keys.rate(provider), b.length === 0 ? undefined : [...b])

/** The round ledger `seq` belongs to. */
export const roundOf = (seq: number, roundLedgers: number): number => Math.floor(seq / roundLedgers)
