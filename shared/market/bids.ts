// Bids (issue 13, item 1): instead of naming providers, a client posts what it wants stored (the
// piece, n replicas, a term, a start deadline) and the most it pays per GiB per day. postBid locks
// the worst case in the module: n term prices at that maximum plus the client collateral on them,
// so a match can never find the client short. The close step (match.ts) turns an open bid into a
// deal with n distinct providers and gives back what the asks' prices leave over; a bid not
// matched by its last ledger (`bidLedgers` after posting) expires and is refunded; cancelBid
// refunds an open bid at once. Open bids are bounded on the network and per client.
import type { Address } from '../crypto/address.ts'
import { type Amount, MAX_AMOUNT } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, dataNumber } from '../ledger/lists.ts'
import { lockInModule } from '../ledger/money.ts'
import type { OpHandler, Operation } from '../ledger/operations/registry.ts'
import { type WattError, wattError } from '../util/errors.ts'
import type { MarketCode } from './codes.ts'
import { type Piece, periodMsOf, pieceFault } from './deals.ts'
import type { MarketParams } from './params.ts'
import { clientCollateralOf, termPrice } from './pricing.ts'
import { payOut } from './replica-end.ts'
import { type Bid, type BidState, getBid, keys, MARKET, putBid } from './store.ts'
import { parseFields } from './wire.ts'

export interface PostBidOp extends Piece {
  readonly type: 'postBid'
  readonly replicas: number
  readonly maxPrice: Amount
}
export interface CancelBidOp {
  readonly type: 'cancelBid'
  readonly bid: number
}

type BidOp<O extends Operation> = OpHandler<O, MarketParams, MarketCode>

/** The worst case of a bid: n replicas at its maximum price, each with its client collateral. */
const bidLockFor = (d: LedgerDraft, p: MarketParams, op: PostBidOp): bigint => {
  const one = termPrice(op.maxPrice, op.size, op.periods, periodMsOf(d, p), d.config.dayLengthMs)
  return BigInt(op.replicas) * (one + clientCollateralOf(p, one))
}

const addCount = (d: LedgerDraft, key: string, by: number): void => {
  const n = dataNumber(d, MARKET, key) + by
  d.putData(MARKET, key, n === 0 ? undefined : n)
}

const checkBid = (d: LedgerDraft, p: MarketParams, op: PostBidOp, client: Address) => {
  const fault = pieceFault(d, p, op, d.seq + p.bidLedgers)
  if (fault !== undefined) return wattError('bad_bid', { reason: fault })
  if (op.replicas < 1 || op.replicas > p.maxReplicas) return wattError('bad_bid', { reason: 'replicas' })
  const locked = bidLockFor(d, p, op)
  if (locked > MAX_AMOUNT) return wattError('bad_bid', { reason: 'amount' })
  if (dataNumber(d, MARKET, keys.openBids) >= p.maxOpenBids)
    return wattError('bid_limit', { scope: 'network', max: p.maxOpenBids })
  if (dataNumber(d, MARKET, keys.clientOpenBids(client)) >= p.maxBidsPerClient)
    return wattError('bid_limit', { scope: 'client', max: p.maxBidsPerClient })
  if ((d.getAccount(client)?.balance ?? 0n) < locked)
    return wattError('client_funds', { need: locked.toString() })
  return locked as Amount
}

export const postBid: BidOp<PostBidOp> = {
  type: 'postBid',
  parse: (raw) =>
    parseFields('postBid', raw, {
      cid: 'cid',
      commD: { bytes: 32 },
      size: 'nat',
      replicas: 'nat',
      periods: 'nat',
      startBy: 'nat',
      maxPrice: 'amount',
    }),
  apply: (d, op, ctx): WattError<MarketCode> | undefined => {
    const locked = checkBid(d, ctx.params, op, ctx.source)
    if (typeof locked !== 'bigint') return locked
    const e = lockInModule(d, MARKET, ctx.source, locked)
    if (e) return e
    const id = dataNumber(d, MARKET, keys.nextBid)
    d.putData(MARKET, keys.nextBid, id + 1)
    const { type: _, ...terms } = op
    const expires = d.seq + ctx.params.bidLedgers
    const bid: Bid = { ...terms, client: ctx.source, posted: d.seq, expires, locked, state: 'open', deal: -1 }
    putBid(d, id, bid)
    appendToList(d, MARKET, keys.bidList, String(id))
    appendToList(d, MARKET, keys.bidEndList(expires), String(id))
    addCount(d, keys.openBids, 1)
    addCount(d, keys.clientOpenBids(ctx.source), 1)
    appendToList(d, MARKET, keys.clientBidList(ctx.source), String(id))
    return undefined
  },
}

/** Closes an open bid: `refund` of its locked funds back to the client, the open counts down. */
export const closeBid = (
  d: LedgerDraft,
  id: number,
  bid: Bid,
  end: { state: Exclude<BidState, 'open'>; refund: bigint; deal: number },
): void => {
  payOut(d, bid.client, end.refund)
  putBid(d, id, { ...bid, state: end.state, deal: end.deal, locked: 0n })
  addCount(d, keys.openBids, -1)
  addCount(d, keys.clientOpenBids(bid.client), -1)
}

export const cancelBid: BidOp<CancelBidOp> = {
  type: 'cancelBid',
  parse: (raw) => parseFields('cancelBid', raw, { bid: 'nat' }),
  apply: (d, op, ctx) => {
    const bid = getBid(d, op.bid)
    if (bid === undefined) return wattError('unknown_bid', { bid: op.bid })
    if (bid.client !== ctx.source) return wattError('not_bidder')
    if (bid.state !== 'open') return wattError('bid_closed', { state: bid.state })
    closeBid(d, op.bid, bid, { state: 'cancelled', refund: bid.locked, deal: -1 })
    return undefined
  },
}
