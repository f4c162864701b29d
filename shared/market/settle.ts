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
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, deleteList, readList } from '../ledger/lists.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import { penaltyOf } from './pricing.ts'
import type { MarketParams } from './params.ts'
import { endReplica, payWindow, penalize, type Tally } from './replica-end.ts'
import {
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

const notActivated = (d: LedgerDraft, p: MarketParams, entry: string, t: Tally): void => {
  const [id, i] = entry.split('/').map(Number) as [number, number]
  const rep = getReplica(d, id, i)!
  if (rep.state !== 'proposed' && rep.state !== 'sealing') return
  const deal = getDeal(d, id)!
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
    rep = payWindow(d, deal, before, t)
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
