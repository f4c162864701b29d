// The bid close step (`market/bids`, after `market/settle`): every ledger it tries up to
// `bidsPerLedger` open bids, in turn from where the last ledger stopped, against the standing
// asks. The asks are ranked once per ledger: price ascending, then H("watt/market-bid-order/v1" ||
// the previous ledger's header hash || provider public key), so equal prices are not won by
// address or by who asked first, and no one can pick the order (the hash is unknown until the
// ledger before closes). A bid takes the first n asks in that order that accept its size and term
// and have the capacity and free collateral (deals.ts termOf, as publishDeal checks), at most its
// price, never the client's own: then it becomes a deal exactly as publishDeal opens one, each
// replica at its ask's price, and what its lock leaves over goes back to the client. Then the
// bids whose last ledger this is expire (refunded), and closed bids leave the open list.
import type { Address } from '../crypto/address.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, dataNumber, deleteList, readList } from '../ledger/lists.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import { tag } from '../storage/proof-bytes.ts'
import { compareBytes } from '../util/bytes.ts'
import { closeBid } from './bids.ts'
import { ledgerHash, providerKey } from './binding.ts'
import { lockedFor, openDeal, type Term, termOf } from './deals.ts'
import type { MarketParams } from './params.ts'
import { standingAsks } from './readers.ts'
import { type Bid, getBid, keys, MARKET } from './store.ts'

const BID_ORDER_TAG = tag('market-bid-order')

/** The tie-break among asks of equal price: H(tag, ledger randomness, provider public key). */
const bidOrderHash = (randomness: Uint8Array, provider: string): Uint8Array =>
  ledgerHash(BID_ORDER_TAG, randomness, providerKey(provider))

interface Ranked {
  readonly provider: Address
  readonly price: bigint
  readonly order: Uint8Array
}

const byPriceThenHash = (x: Ranked, y: Ranked): number =>
  x.price !== y.price
    ? x.price < y.price
      ? -1
      : 1
    : compareBytes(x.order, y.order) || (x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : 0)

/** The standing asks in match order for this ledger (the previous header is its randomness). */
const rankedAsks = (d: LedgerDraft): Ranked[] =>
  standingAsks(d)
    // the ask list holds the addresses the ledger stored
    .map((a) => ({
      provider: a.provider as Address,
      price: a.price,
      order: bidOrderHash(d.prevHeader, a.provider),
    }))
    .sort(byPriceThenHash)

/** Opens the bid's deal when n asks take it; the excess refunded, or undefined (it stays open). */
const matchBid = (d: LedgerDraft, p: MarketParams, id: number, bid: Bid, ranked: readonly Ranked[]) => {
  const terms: Term[] = []
  for (const a of ranked) {
    if (terms.length === bid.replicas || a.price > bid.maxPrice) break
    if (a.provider === bid.client) continue
    const t = termOf(d, p, bid, a.provider)
    if (!('code' in t)) terms.push(t)
  }
  if (terms.length < bid.replicas) return undefined
  const deal = openDeal(d, bid.client, bid, terms, id)
  const refund = bid.locked - lockedFor(terms)
  closeBid(d, id, bid, { state: 'matched', refund, deal })
  return refund
}

interface Turn {
  matched: number
  refunds: bigint
}

/** Tries up to bidsPerLedger open bids, from the cursor on (wrapping), and moves the cursor. */
const matchTurn = (d: LedgerDraft, p: MarketParams, t: Turn): void => {
  const open = readList(d, MARKET, keys.bidList)
    .map((e) => [Number(e), getBid(d, Number(e))!] as const)
    .filter(([, b]) => b.state === 'open')
  if (open.length === 0) return
  const cursor = dataNumber(d, MARKET, keys.bidCursor)
  const at = Math.max(
    0,
    open.findIndex(([id]) => id >= cursor),
  )
  const ranked = rankedAsks(d)
  let last = 0
  for (let k = 0; k < Math.min(p.bidsPerLedger, open.length); k++) {
    const [id, bid] = open[(at + k) % open.length]!
    const refund = matchBid(d, p, id, bid, ranked)
    if (refund !== undefined) {
      t.matched++
      t.refunds += refund
    }
    last = id
  }
  d.putData(MARKET, keys.bidCursor, last + 1)
}

/** Bids whose last ledger is this one and that are still open: refunded in full. */
const expireDue = (d: LedgerDraft, t: Turn): void => {
  const list = keys.bidEndList(d.seq)
  for (const e of readList(d, MARKET, list)) {
    const bid = getBid(d, Number(e))!
    if (bid.state !== 'open') continue
    closeBid(d, Number(e), bid, { state: 'expired', refund: bid.locked, deal: -1 })
    t.refunds += bid.locked
  }
  deleteList(d, MARKET, list)
}

/** Matched, cancelled and expired bids leave the open list (it keeps its order). */
const compactBids = (d: LedgerDraft): void => {
  const ids = readList(d, MARKET, keys.bidList)
  const keep = ids.filter((e) => getBid(d, Number(e))!.state === 'open')
  if (keep.length === ids.length) return
  deleteList(d, MARKET, keys.bidList)
  for (const e of keep) appendToList(d, MARKET, keys.bidList, e)
}

export const bidCloseStep: CloseStep<MarketParams> = {
  name: 'market/bids',
  run: (d, ctx): ModuleTotals | undefined => {
    const t: Turn = { matched: 0, refunds: 0n }
    matchTurn(d, ctx.params, t)
    expireDue(d, t)
    compactBids(d)
    const out: Record<string, bigint> = {}
    if (t.matched > 0) out.bidsMatched = BigInt(t.matched)
    if (t.refunds > 0n) out.bidRefunds = t.refunds
    return Object.keys(out).length > 0 ? out : undefined
  },
}
