// How a replica ends and what moves when it does: payments out of the module's held balance,
// penalties split between the client and the fee pool, the escrow refunded, the client's
// collateral returned (or forfeit when the provider rejected the replica), the provider's
// collateral left freed, and the hand-over links between a replica and its successor
// (hand-over.ts) kept true.
import type { Address } from '../crypto/address.ts'
import type { Amount } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { releaseFromModule } from '../ledger/money.ts'
import type { MarketParams } from './params.ts'
import { pendingPeriod, windowPosition } from './binding.ts'
import { clientShareOf, windowShare } from './pricing.ts'
import {
  type Deal,
  getReplica,
  getSector,
  keys,
  MARKET,
  putReplica,
  putSector,
  type Replica,
  updateProvider,
} from './store.ts'

export interface Tally {
  paid: bigint
  penalties: bigint
  refunds: bigint
}

/** Out of the module's held balance; a credit that cannot land goes to the fee pool. */
export const payOut = (d: LedgerDraft, to: Address, amt: bigint): void => {
  if (amt === 0n) return
  if (releaseFromModule(d, MARKET, to, amt as Amount)) releaseFromModule(d, MARKET, 'feePool', amt as Amount)
}

export const penalize = (
  d: LedgerDraft,
  p: MarketParams,
  deal: Deal,
  rep: Replica,
  amt: bigint,
  t: Tally,
): void => {
  const toClient = clientShareOf(p, amt)
  payOut(d, deal.client, toClient)
  if (amt > toClient) releaseFromModule(d, MARKET, 'feePool', (amt - toClient) as Amount)
  updateProvider(d, rep.provider, (a) => ({ ...a, slashed: a.slashed + amt }))
  t.penalties += amt
}

/** A proven window pays its share of the escrow (pricing.ts) to the provider; the replica is active. */
export const payWindow = (d: LedgerDraft, deal: Deal, before: Replica, t: Tally): Replica => {
  const share = windowShare(before.total, deal.periods, before.windows)
  payOut(d, before.provider, share)
  t.paid += share
  updateProvider(d, before.provider, (a) => ({
    ...a,
    earned: a.earned + share,
    proven: a.proven + (before.state === 'faulty' ? deal.size : 0),
  }))
  return {
    ...before,
    state: 'active',
    escrow: before.escrow - share,
    paid: before.paid + share,
    consecutive: 0,
  }
}

/** The replica without its hand-over links to a successor (the `from` provenance stays). */
export const unlinked = (r: Replica): Replica => {
  const { offer: _o, to: _t, ...rest } = r
  return rest
}

/** Seal-proof parts of a replica that ends while sealing are deleted. */
const dropParts = (d: LedgerDraft, rep: Replica): void => {
  if (rep.state !== 'sealing') return
  const s = getSector(d, rep.provider, rep.sector)!
  for (let k = 0; k < s.parts; k++) d.putData(MARKET, keys.part(rep.provider, rep.sector, k), undefined)
  putSector(d, rep.provider, rep.sector, { ...s, parts: 0, partBytes: 0 })
}

/**
 * The client's collateral of an ending replica: back to the client, except when its provider
 * rejected the replica (the data never came or did not match CommD): then to the fee pool, so a
 * client that reserves providers without sending data pays for it, and no provider gains by
 * rejecting (docs/market.md, "Client collateral").
 */
const releaseClientCollateral = (d: LedgerDraft, deal: Deal, rep: Replica, reason: string, t: Tally) => {
  const amt = rep.clientCollateral
  if (amt === 0n) return
  if (reason === 'rejected') {
    releaseFromModule(d, MARKET, 'feePool', amt as Amount)
    t.penalties += amt
    return
  }
  payOut(d, deal.client, amt)
  t.refunds += amt
}

/**
 * Ends a replica: escrow and client collateral left to the client, collateral left (after
 * `slash`) to free collateral.
 */
export const endReplica = (
  d: LedgerDraft,
  p: MarketParams,
  at: [Deal, number, number],
  rep: Replica,
  end: { state: 'terminated' | 'expired'; reason: string; slash: bigint },
  t: Tally,
): void => {
  const [deal, id, i] = at
  if (end.slash > 0n) penalize(d, p, deal, rep, end.slash, t)
  payOut(d, deal.client, rep.escrow)
  t.refunds += rep.escrow
  releaseClientCollateral(d, deal, rep, end.reason, t)
  dropParts(d, rep)
  const freed = rep.collateral - end.slash
  const wasProven = rep.state === 'active'
  updateProvider(d, rep.provider, (a) => ({
    ...a,
    free: a.free + freed,
    used: a.used - deal.size,
    proven: a.proven - (wasProven ? deal.size : 0),
  }))
  const closed = { escrow: 0n, collateral: 0n, clientCollateral: 0n }
  putReplica(d, id, i, { ...rep, state: end.state, reason: end.reason, ...closed })
  endLinks(d, p, at, rep, t)
}

/** A successor's end lets its predecessor offer again; a predecessor's end ends its successor. */
const endLinks = (d: LedgerDraft, p: MarketParams, at: [Deal, number, number], rep: Replica, t: Tally) => {
  const [deal, id, i] = at
  if (rep.from !== undefined) {
    const pred = getReplica(d, id, rep.from)!
    if (pred.to === i) putReplica(d, id, rep.from, unlinked(pred))
  }
  if (rep.to === undefined) return
  const next = getReplica(d, id, rep.to)!
  if (next.state !== 'proposed' && next.state !== 'sealing') return
  const end = { state: 'terminated', reason: 'predecessor_ended', slash: 0n } as const
  endReplica(d, p, [deal, id, rep.to], next, end, t)
}

/** The predecessor's window still to be settled is paid now when it was proven. */
const settlePending = (d: LedgerDraft, p: MarketParams, deal: Deal, pred: Replica, t: Tally): Replica => {
  const s = getSector(d, pred.provider, pred.sector)!
  const k = pendingPeriod(p, d.seq, windowPosition(p, pred.sector), s.firstPeriod)
  if (s.proven !== k) return pred
  return { ...payWindow(d, deal, pred, t), windows: pred.windows + 1 }
}

/**
 * A successor's seal is verified: its predecessor is paid for a window it proved and not yet
 * settled, then released, `expired` (`handed_over`), its collateral freed; its escrow, the client's
 * collateral and the count of settled windows move to the successor, which is returned. When that window was the term's last,
 * the predecessor expires as any replica does and the successor ends with it (undefined).
 */
export const completeHandOver = (
  d: LedgerDraft,
  p: MarketParams,
  at: [Deal, number, number],
  next: Replica,
): Replica | undefined => {
  const [deal, id, _j] = at
  const from = next.from!
  const t: Tally = { paid: 0n, penalties: 0n, refunds: 0n }
  const pred = settlePending(d, p, deal, getReplica(d, id, from)!, t)
  if (pred.windows >= deal.periods) {
    endReplica(d, p, [deal, id, from], pred, { state: 'expired', reason: '', slash: 0n }, t)
    return undefined
  }
  const end = { state: 'expired', reason: 'handed_over', slash: 0n } as const
  endReplica(d, p, [deal, id, from], { ...unlinked(pred), escrow: 0n, clientCollateral: 0n }, end, t)
  return { ...next, escrow: pred.escrow, clientCollateral: pred.clientCollateral, windows: pred.windows }
}
