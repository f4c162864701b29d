// Sealing committed before it is challenged:
//   preCommit   the provider of a proposed replica names a sector number, a ticket (the header
//               hash of a recent ledger) and CommR; the seal seed is the header of the ledger
//               `sealDelay` later, unknown when CommR is committed.
//   proveCommit the seal proof, in parts (a proof is far larger than one transaction): part 0
//               starts over, each next part must follow the last; the part marked `last` has
//               the whole proof checked with shared/storage's verifySeal, and the replica is
//               active. A proof that fails changes nothing (the parts stored before stay).
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, listLength, takeLedgerBudget } from '../ledger/lists.ts'
import type { OpHandler, OpContext } from '../ledger/operations/registry.ts'
import { sealProofSizeEstimate, verifySeal } from '../storage/seal-proof.ts'
import { concatBytes } from '../util/bytes.ts'
import { type WattError, wattError } from '../util/errors.ts'
import {
  dealSealParams,
  dealTicket,
  firstPeriodAfter,
  ledgerHash,
  marketReplicaId,
  windowPosition,
} from './binding.ts'
import type { MarketCode } from './codes.ts'
import type { MarketParams } from './params.ts'
import {
  type Deal,
  getDeal,
  getReplica,
  getSector,
  keys,
  MARKET,
  putReplica,
  putSector,
  randomnessAt,
  type Replica,
  updateProvider,
} from './store.ts'
import { completeHandOver, endReplica } from './replica-end.ts'
import { parseFields } from './wire.ts'

/** The most proof bytes one operation carries (a transaction is at most 8 KiB). */
export const MAX_PROOF_PART = 7 * 1024
/** Sector numbers are below 2^48. */
const MAX_SECTOR_NUMBER = 2 ** 48

export interface PreCommitOp {
  readonly type: 'preCommit'
  readonly deal: number
  readonly replica: number
  readonly sectorNumber: number
  readonly ticketSeq: number
  readonly commR: Uint8Array
}
export interface RejectDealOp {
  readonly type: 'rejectDeal'
  readonly deal: number
  readonly replica: number
}
export interface ProveCommitOp {
  readonly type: 'proveCommit'
  readonly deal: number
  readonly replica: number
  readonly part: number
  readonly bytes: Uint8Array
  readonly last: boolean
}

type Found = { deal: Deal; rep: Replica }

/** The deal and replica the source provides, in one of `states`, or the refusal. */
export const ownReplica = (
  d: LedgerDraft,
  ctx: OpContext<MarketParams>,
  id: number,
  i: number,
  states: readonly Replica['state'][],
): Found | WattError<MarketCode> => {
  const deal = getDeal(d, id)
  const rep = deal === undefined ? undefined : getReplica(d, id, i)
  if (deal === undefined || rep === undefined) return wattError('unknown_deal', { deal: id, replica: i })
  if (rep.provider !== ctx.source) return wattError('not_provider')
  if (!states.includes(rep.state)) return wattError('bad_state', { state: rep.state })
  return { deal, rep }
}

export const preCommit: OpHandler<PreCommitOp, MarketParams, MarketCode> = {
  type: 'preCommit',
  parse: (raw) =>
    parseFields(
      'preCommit',
      raw,
      { deal: 'nat', replica: 'nat', sectorNumber: 'nat', ticketSeq: 'nat', commR: { bytes: 32 } },
      (o) => ((o.sectorNumber as number) >= MAX_SECTOR_NUMBER ? 'sectorNumber' : undefined),
    ),
  apply: (d, op, ctx) => {
    const found = ownReplica(d, ctx, op.deal, op.replica, ['proposed'])
    if ('code' in found) return found
    if (getSector(d, ctx.source, op.sectorNumber) !== undefined) return wattError('sector_exists')
    const h = op.ticketSeq + ctx.params.ticketMaxAge >= d.seq ? randomnessAt(d, op.ticketSeq) : undefined
    if (h === undefined)
      return wattError('bad_ticket', { oldest: Math.max(0, d.seq - ctx.params.ticketMaxAge) })
    putSector(d, ctx.source, op.sectorNumber, {
      deal: op.deal,
      replica: op.replica,
      commR: op.commR,
      ticket: dealTicket(h, op.deal, op.replica),
      seedSeq: d.seq + ctx.params.sealDelay,
      parts: 0,
      partBytes: 0,
      firstPeriod: -1,
      proven: -1,
      declared: false,
    })
    putReplica(d, op.deal, op.replica, { ...found.rep, state: 'sealing', sector: op.sectorNumber })
    return undefined
  },
}

/**
 * A provider refuses a replica it has not pre-committed (its data never arrived, or did not match
 * the deal's CommD): no penalty, the client's escrow back, the collateral freed; the client's
 * collateral on the replica goes to the fee pool (replica-end.ts).
 */
export const rejectDeal: OpHandler<RejectDealOp, MarketParams, MarketCode> = {
  type: 'rejectDeal',
  parse: (raw) => parseFields('rejectDeal', raw, { deal: 'nat', replica: 'nat' }),
  apply: (d, op, ctx) => {
    const found = ownReplica(d, ctx, op.deal, op.replica, ['proposed'])
    if ('code' in found) return found
    const tally = { paid: 0n, penalties: 0n, refunds: 0n }
    const end = { state: 'terminated', reason: 'rejected', slash: 0n } as const
    endReplica(d, ctx.params, [found.deal, op.deal, op.replica], found.rep, end, tally)
    return undefined
  },
}

/** Counts a seal-proof verification against this ledger's budget; false when it is spent. */
const takeVerifyBudget = (d: LedgerDraft, p: MarketParams): boolean =>
  takeLedgerBudget(d, MARKET, keys.verifies, p.maxSealVerifiesPerLedger)

const readParts = (d: LedgerDraft, provider: string, n: number, count: number): Uint8Array =>
  concatBytes(
    ...Array.from({ length: count }, (_, k) => d.getData(MARKET, keys.part(provider, n, k)) as Uint8Array),
  )

const clearParts = (d: LedgerDraft, provider: string, n: number, count: number): void => {
  for (let k = 0; k < count; k++) d.putData(MARKET, keys.part(provider, n, k), undefined)
}

/**
 * The replica becomes active: its sector joins its window position's list (a successor first
 * takes its predecessor over, replica-end.ts). `undefined` when a successor ended instead.
 */
const activate = (
  d: LedgerDraft,
  p: MarketParams,
  f: Found,
  at: [number, number],
  provider: string,
  n: number,
) => {
  const pos = windowPosition(p, n)
  if (listLength(d, MARKET, keys.windowList(pos)) >= p.maxSectorsPerWindow)
    return wattError('window_full', { pos })
  const rep = f.rep.from === undefined ? f.rep : completeHandOver(d, p, [f.deal, ...at], f.rep)
  if (rep === undefined) return undefined
  appendToList(d, MARKET, keys.windowList(pos), `${provider}/${n}`)
  putReplica(d, at[0], at[1], { ...rep, state: 'active' })
  updateProvider(d, provider, (a) => ({ ...a, proven: a.proven + f.deal.size }))
  return firstPeriodAfter(p, d.seq, pos)
}

export const proveCommit: OpHandler<ProveCommitOp, MarketParams, MarketCode> = {
  type: 'proveCommit',
  parse: (raw) =>
    parseFields('proveCommit', raw, {
      deal: 'nat',
      replica: 'nat',
      part: 'nat',
      bytes: { maxBytes: MAX_PROOF_PART },
      last: 'bool',
    }),
  apply: (d, op, ctx) => {
    const p = ctx.params
    const found = ownReplica(d, ctx, op.deal, op.replica, ['sealing'])
    if ('code' in found) return found
    const n = found.rep.sector
    const sector = getSector(d, ctx.source, n)!
    if (d.seq <= sector.seedSeq) return wattError('seed_not_ready', { seedSeq: sector.seedSeq })
    if (d.seq > sector.seedSeq + p.proveCommitLedgers) return wattError('seal_expired')
    const sp = dealSealParams(p, found.deal.size)
    const base = op.part === 0 ? { parts: 0, partBytes: 0 } : sector
    if (op.part !== base.parts) return wattError('bad_part', { expected: sector.parts })
    const partBytes = base.partBytes + op.bytes.length
    if (partBytes > sealProofSizeEstimate(sp)) return wattError('proof_too_large')
    if (op.part === 0) clearParts(d, ctx.source, n, sector.parts)
    if (!op.last) {
      d.putData(MARKET, keys.part(ctx.source, n, op.part), op.bytes)
      putSector(d, ctx.source, n, { ...sector, parts: op.part + 1, partBytes })
      return undefined
    }
    if (!takeVerifyBudget(d, p)) return wattError('ledger_busy')
    const proof = concatBytes(readParts(d, ctx.source, n, op.part), op.bytes)
    const pub = {
      replicaId: marketReplicaId(ctx.source, n, sector.ticket, found.deal.commD),
      commD: found.deal.commD,
      commR: sector.commR,
      seed: randomnessAt(d, sector.seedSeq)!,
    }
    if (!verifySeal(sp, pub, proof, ledgerHash)) return wattError('bad_seal_proof')
    clearParts(d, ctx.source, n, op.part)
    const firstPeriod = activate(d, p, found, [op.deal, op.replica], ctx.source, n)
    if (firstPeriod === undefined) return undefined
    if (typeof firstPeriod !== 'number') return firstPeriod
    putSector(d, ctx.source, n, { ...sector, parts: 0, partBytes: 0, firstPeriod })
    return undefined
  },
}
