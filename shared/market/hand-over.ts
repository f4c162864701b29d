// Provider exit (issue 13, item 6): a provider hands an active replica to another provider, who
// takes over the data and the rest of the term. The old replica stays responsible until the new
// one is sealed and its seal proof verified:
//   offerHandOver  the provider of an active replica names who may take it (a new offer replaces
//                  an untaken one);
//   takeOver       that provider accepts: a successor replica is added to the deal, `proposed`,
//                  with the same collateral locked from the taker's free collateral and its own
//                  start deadline (`handOverLedgers`); the client's node sends it the data;
//   on activation  of the successor (commit.ts) the old replica's escrow and the client's
//                  collateral move to it, with the count of windows already settled, and the
//                  old replica ends `expired` (`handed_over`) with its collateral freed,
//                  nothing slashed, nothing refunded.
// A successor that is not active by its deadline ends as any late replica does (no-start
// penalty) and the old one may offer again; an old replica that ends first takes the sealing
// successor with it (`predecessor_ended`, no penalty).
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList } from '../ledger/lists.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { type WattError, wattError } from '../util/errors.ts'
import type { MarketCode } from './codes.ts'
import { ownReplica } from './commit.ts'
import type { MarketParams } from './params.ts'
import {
  type Deal,
  getAsk,
  getDeal,
  getProvider,
  getReplica,
  keys,
  MARKET,
  putReplica,
  type Replica,
  updateProvider,
} from './store.ts'
import { parseFields } from './wire.ts'

/** Replica records one deal holds at most (its replicas plus every successor ever taken). */
export const MAX_REPLICA_RECORDS = 32

export interface OfferHandOverOp {
  readonly type: 'offerHandOver'
  readonly deal: number
  readonly replica: number
  readonly to: PublicKey
}
export interface TakeOverOp {
  readonly type: 'takeOver'
  readonly deal: number
  readonly replica: number
}

const LIVE: readonly Replica['state'][] = ['proposed', 'sealing', 'active', 'faulty']

/** Providers holding a live replica of the deal. */
const liveProviders = (d: LedgerDraft, id: number, deal: Deal): Address[] =>
  Array.from({ length: deal.replicas }, (_, i) => getReplica(d, id, i)!)
    .filter((r) => LIVE.includes(r.state))
    .map((r) => r.provider)

export const offerHandOver: OpHandler<OfferHandOverOp, MarketParams, MarketCode> = {
  type: 'offerHandOver',
  parse: (raw) => parseFields('offerHandOver', raw, { deal: 'nat', replica: 'nat', to: { bytes: 32 } }),
  apply: (d, op, ctx) => {
    const found = ownReplica(d, ctx, op.deal, op.replica, ['active'])
    if ('code' in found) return found
    if (found.rep.to !== undefined) return wattError('hand_over_busy', { successor: found.rep.to })
    const to = addressOf(op.to)
    if (to === found.deal.client) return wattError('bad_deal', { reason: 'self' })
    if (liveProviders(d, op.deal, found.deal).includes(to)) return wattError('duplicate_provider')
    putReplica(d, op.deal, op.replica, { ...found.rep, offer: to })
    appendToList(d, MARKET, keys.offerList(to), `${op.deal}/${op.replica}`)
    return undefined
  },
}

/** The taker's ask and collateral allow the replica, or the code that refuses it. */
const takerCheck = (
  d: LedgerDraft,
  taker: Address,
  deal: Deal,
  rep: Replica,
): WattError<MarketCode> | undefined => {
  const ask = getAsk(d, taker)
  if (ask === undefined || ask.capacity === 0) return wattError('no_ask', { provider: taker })
  const acct = getProvider(d, taker)
  if (acct.used + deal.size > ask.capacity)
    return wattError('over_capacity', { provider: taker, free: ask.capacity - acct.used })
  if (acct.free < rep.collateral0)
    return wattError('provider_collateral', {
      provider: taker,
      need: rep.collateral0.toString(),
      free: acct.free.toString(),
    })
  return undefined
}

const successorOf = (from: number, rep: Replica, taker: Address): Replica => ({
  provider: taker,
  state: 'proposed',
  total: rep.total,
  escrow: 0n,
  paid: 0n,
  collateral0: rep.collateral0,
  collateral: rep.collateral0,
  /** The client's collateral moves to it on activation, with the escrow (replica-end.ts). */
  clientCollateral: 0n,
  sector: -1,
  windows: rep.windows,
  faults: 0,
  consecutive: 0,
  reason: '',
  from,
})

export const takeOver: OpHandler<TakeOverOp, MarketParams, MarketCode> = {
  type: 'takeOver',
  parse: (raw) => parseFields('takeOver', raw, { deal: 'nat', replica: 'nat' }),
  apply: (d, op, ctx) => {
    const deal = getDeal(d, op.deal)
    const rep = deal === undefined ? undefined : getReplica(d, op.deal, op.replica)
    if (deal === undefined || rep === undefined)
      return wattError('unknown_deal', { deal: op.deal, replica: op.replica })
    if (rep.offer !== ctx.source || (rep.state !== 'active' && rep.state !== 'faulty'))
      return wattError('not_offered')
    if (deal.replicas >= MAX_REPLICA_RECORDS)
      return wattError('too_many_replicas', { max: MAX_REPLICA_RECORDS })
    const refused = takerCheck(d, ctx.source, deal, rep)
    if (refused) return refused
    const j = deal.replicas
    d.putData(MARKET, keys.deal(op.deal), { ...deal, replicas: j + 1 })
    putReplica(d, op.deal, j, successorOf(op.replica, rep, ctx.source))
    const { offer: _o, ...rest } = rep
    putReplica(d, op.deal, op.replica, { ...rest, to: j })
    updateProvider(d, ctx.source, (a) => ({ ...a, free: a.free - rep.collateral0, used: a.used + deal.size }))
    appendToList(d, MARKET, keys.providerList(ctx.source), `${op.deal}/${j}`)
    appendToList(d, MARKET, keys.startList(d.seq + ctx.params.handOverLedgers), `${op.deal}/${j}`)
    return undefined
  },
}
