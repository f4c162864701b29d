// The market's close step, every ledger after its transactions:
//   1. the ring keeps the previous ledger's header hash (tickets, seal seeds, window challenges);
//   2. replicas due to start this ledger and not active are ended: the client's escrow comes
//      back, a no-start penalty is taken from the collateral, the rest is freed;
//   3. when a window's deadline is this ledger, every sector at its position due in this period
//      is settled: proven pays the window's share of escrow to the provider, not proven records
//      a fault and takes the (declared or missed) fault fee; K consecutive faults terminate the
//      replica (remaining collateral slashed, escrow refunded); its last window expires it
//      (unpaid shares refunded, collateral freed).
// Penalties go to the client (slashToClientPermille) and the rest to the fee pool.
import type { Address } from '../crypto/address.ts'
import type { Amount } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, deleteList, readList } from '../ledger/lists.ts'
import { releaseFromModule } from '../ledger/money.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import { clientShareOf, penaltyOf, windowShare } from './pricing.ts'
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
  recordRandomness,
  type Replica,
  type Sector,
  updateProvider,
} from './store.ts'

export interface Tally {
  paid: bigint
  penalties: bigint
  refunds: bigint
}

/** Out of the module's held balance; a credit that cannot land goes to the fee pool. */
const payOut = (d: LedgerDraft, to: Address, amt: bigint): void => {
  if (amt === 0n) return
  if (releaseFromModule(d, MARKET, to, amt as Amount)) releaseFromModule(d, MARKET, 'feePool', amt as Amount)
}

const penalize = (d: LedgerDraft, p: MarketParams, deal: Deal, rep: Replica, amt: bigint, t: Tally): void => {
  const toClient = clientShareOf(p, amt)
  payOut(d, deal.client, toClient)
  if (amt > toClient) releaseFromModule(d, MARKET, 'feePool', (amt - toClient) as Amount)
  updateProvider(d, rep.provider, (a) => ({ ...a, slashed: a.slashed + amt }))
  t.penalties += amt
}

/** Ends a replica: escrow left to the client, collateral left (after `slash`) to free collateral. */
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
  const freed = rep.collateral - end.slash
  const wasProven = rep.state === 'active'
  updateProvider(d, rep.provider, (a) => ({
    ...a,
    free: a.free + freed,
    used: a.used - deal.size,
    proven: a.proven - (wasProven ? deal.size : 0),
  }))
  putReplica(d, id, i, { ...rep, state: end.state, reason: end.reason, escrow: 0n, collateral: 0n })
}

const notActivated = (d: LedgerDraft, p: MarketParams, entry: string, t: Tally): void => {
  const [id, i] = entry.split('/').map(Number) as [number, number]
  const rep = getReplica(d, id, i)!
  if (rep.state !== 'proposed' && rep.state !== 'sealing') return
  const deal = getDeal(d, id)!
  if (rep.sector >= 0) {
    const s = getSector(d, rep.provider, rep.sector)!
    for (let k = 0; k < s.parts; k++) d.putData(MARKET, keys.part(rep.provider, rep.sector, k), undefined)
    putSector(d, rep.provider, rep.sector, { ...s, parts: 0, partBytes: 0 })
  }
  const slash = penaltyOf(rep.collateral0, p.noStartPenaltyPermille, rep.collateral)
  endReplica(d, p, [deal, id, i], rep, { state: 'terminated', reason: 'not_activated', slash }, t)
}

/** Settles one sector's window of `period`; true when its replica ended (it leaves the list). */
const settleWindow = (
  d: LedgerDraft,
  p: MarketParams,
  sector: Sector,
  n: number,
  period: number,
  t: Tally,
) => {
  const id = sector.deal
  const i = sector.replica
  const deal = getDeal(d, id)!
  const before = getReplica(d, id, i)!
  const proven = sector.proven === period
  let rep: Replica
  if (proven) {
    const share = windowShare(before.total, deal.periods, before.windows)
    payOut(d, before.provider, share)
    t.paid += share
    rep = {
      ...before,
      state: 'active',
      escrow: before.escrow - share,
      paid: before.paid + share,
      consecutive: 0,
    }
    updateProvider(d, before.provider, (a) => ({
      ...a,
      earned: a.earned + share,
      proven: a.proven + (before.state === 'faulty' ? deal.size : 0),
    }))
  } else {
    const permille = sector.declared ? p.declaredFaultFeePermille : p.faultFeePermille
    const fee = penaltyOf(before.collateral0, permille, before.collateral)
    penalize(d, p, deal, before, fee, t)
    rep = { ...before, state: 'faulty', collateral: before.collateral - fee, faults: before.faults + 1 }
    rep = { ...rep, consecutive: before.consecutive + 1 }
    updateProvider(d, before.provider, (a) => ({
      ...a,
      faults: a.faults + 1,
      proven: a.proven - (before.state === 'active' ? deal.size : 0),
    }))
  }
  rep = { ...rep, windows: rep.windows + 1 }
  putSector(d, before.provider, n, { ...sector, declared: false })
  // the provider's account already reflects rep.state; endReplica reads it from `rep`
  if (rep.consecutive >= p.maxConsecutiveFaults) {
    endReplica(d, p, [deal, id, i], rep, { state: 'terminated', reason: 'faults', slash: rep.collateral }, t)
    return true
  }
  if (rep.windows === deal.periods) {
    endReplica(d, p, [deal, id, i], rep, { state: 'expired', reason: '', slash: 0n }, t)
    return true
  }
  putReplica(d, id, i, rep)
  return false
}

/** The window whose deadline is ledger `seq`, if any: [period, position]. */
const dueWindow = (p: MarketParams, seq: number): [number, number] | undefined => {
  if (seq < p.windowLedgers || seq % p.windowLedgers !== 0) return undefined
  const opened = seq - p.windowLedgers
  return [Math.floor(opened / p.provingPeriodLedgers), (opened % p.provingPeriodLedgers) / p.windowLedgers]
}

const settleDue = (d: LedgerDraft, p: MarketParams, t: Tally): void => {
  const due = dueWindow(p, d.seq)
  if (due === undefined) return
  const [period, pos] = due
  const list = keys.windowList(pos)
  const entries = readList(d, MARKET, list)
  const keep: string[] = []
  for (const e of entries) {
    const cut = e.lastIndexOf('/')
    const provider = e.slice(0, cut)
    const n = Number(e.slice(cut + 1))
    const sector = getSector(d, provider, n)!
    const state = getReplica(d, sector.deal, sector.replica)!.state
    if (state !== 'active' && state !== 'faulty') continue
    if (sector.firstPeriod > period || !settleWindow(d, p, sector, n, period, t)) keep.push(e)
  }
  if (keep.length === entries.length) return
  deleteList(d, MARKET, list)
  for (const e of keep) appendToList(d, MARKET, list, e)
}

export const marketCloseStep: CloseStep<MarketParams> = {
  name: 'market/settle',
  run: (d, ctx): ModuleTotals | undefined => {
    recordRandomness(d)
    const t: Tally = { paid: 0n, penalties: 0n, refunds: 0n }
    const starts = keys.startList(d.seq)
    for (const e of readList(d, MARKET, starts)) notActivated(d, ctx.params, e, t)
    deleteList(d, MARKET, starts)
    settleDue(d, ctx.params, t)
    const out: Record<string, bigint> = {}
    for (const [k, v] of Object.entries(t)) if (v > 0n) out[k] = v
    return Object.keys(out).length > 0 ? out : undefined
  },
}
