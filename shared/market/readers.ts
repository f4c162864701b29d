// The chain says where data is (issue 13, item 7): by CID the deals, their providers, replicas and
// states; by provider its ask, committed capacity, proven bytes, faults and earnings; plus what a
// provider's prover needs (a window's randomness and chain digest); the open bids and any bid by
// id. All over a closed state.
// `transferring` is not a ledger state: the client's app shows it between publication and the
// provider's pre-commit (the ledger says `proposed`).
import { type DataReader, listLength, stateData } from '../ledger/lists.ts'
import { moduleHeld } from '../ledger/money.ts'
import type { LedgerState } from '../ledger/state.ts'
import {
  type Ask,
  type Bid,
  type Deal,
  getAsk,
  getBid,
  getDeal,
  getProvider,
  getReplica,
  getSector,
  keys,
  MARKET,
  type ProviderAccount,
  randomnessAt,
  type Replica,
  type Sector,
} from './store.ts'
import { chainDigest } from './window-post.ts'

export interface DealView extends Deal {
  readonly id: number
  readonly replicaList: readonly Replica[]
}

/** Most deals one reader call returns (a CID or a client may have many). */
export const MAX_READ_DEALS = 1000

const dealView = (d: DataReader, id: number): DealView | undefined => {
  const deal = getDeal(d, id)
  if (deal === undefined) return undefined
  const replicaList = Array.from({ length: deal.replicas }, (_, i) => getReplica(d, id, i)!)
  return { ...deal, id, replicaList }
}

/** The last MAX_READ_DEALS items of a list, read item by item (the list itself may be long). */
const lastOf = (d: DataReader, list: string): string[] => {
  const n = listLength(d, MARKET, list)
  const out: string[] = []
  for (let i = Math.max(0, n - MAX_READ_DEALS); i < n; i++)
    out.push(d.getData(MARKET, `${list}/#${i}`) as string)
  return out
}

const dealsOf = (d: DataReader, list: string): DealView[] =>
  lastOf(d, list).map((id) => dealView(d, Number(id))!)

export interface ProviderView extends ProviderAccount {
  readonly ask: Ask | undefined
}

/** A reader over a closed state as the next ledger's draft would see it. */
const nextLedgerView = (s: LedgerState) => ({
  ...stateData(s),
  seq: s.header.seq + 1,
  prevHeader: s.headerCid.bytes,
})

export interface AskView extends Ask {
  readonly provider: string
}

/** The standing asks (capacity above 0) of the last MAX_READ_DEALS providers to post one. */
export const standingAsks = (d: DataReader): AskView[] =>
  lastOf(d, keys.askList).flatMap((provider) => {
    const ask = getAsk(d, provider)
    return ask && ask.capacity > 0 ? [{ ...ask, provider }] : []
  })

export interface BidView extends Bid {
  readonly id: number
}

const bidView = (d: DataReader, id: number): BidView | undefined => {
  const bid = getBid(d, id)
  return bid === undefined ? undefined : { ...bid, id }
}

/** The open bids (the last MAX_READ_DEALS of the open list), oldest first. */
const openBids = (d: DataReader): BidView[] =>
  lastOf(d, keys.bidList).flatMap((e) => {
    const b = bidView(d, Number(e))!
    return b.state === 'open' ? [b] : []
  })

export const marketReaders = {
  asks: (s: LedgerState): AskView[] => standingAsks(stateData(s)),
  deal: (s: LedgerState, id: number): DealView | undefined => dealView(stateData(s), id),
  bids: (s: LedgerState): BidView[] => openBids(stateData(s)),
  /** A bid in any state: open, matched (with its deal), cancelled or expired. */
  bid: (s: LedgerState, id: number): BidView | undefined => bidView(stateData(s), id),
  /** The client's last MAX_READ_DEALS bids in any state, oldest first. */
  bidsByClient: (s: LedgerState, client: string): BidView[] =>
    lastOf(stateData(s), keys.clientBidList(client)).map((e) => bidView(stateData(s), Number(e))!),
  dealsByCid: (s: LedgerState, cid: string): DealView[] => dealsOf(stateData(s), keys.cidList(cid)),
  dealsByClient: (s: LedgerState, client: string): DealView[] =>
    dealsOf(stateData(s), keys.clientList(client)),
  /** The provider's replicas as [deal id, replica index]. */
  replicasOf: (s: LedgerState, provider: string): [number, number][] =>
    lastOf(stateData(s), keys.providerList(provider)).map(
      (e) => e.split('/').map(Number) as [number, number],
    ),
  /** Replicas offered to the provider and not yet taken (hand-over.ts), as [deal id, replica index]. */
  offersTo: (s: LedgerState, provider: string): [number, number][] =>
    lastOf(stateData(s), keys.offerList(provider))
      .map((e) => e.split('/').map(Number) as [number, number])
      .filter(([id, i]) => getReplica(stateData(s), id, i)?.offer === provider),
  provider: (s: LedgerState, provider: string): ProviderView => ({
    ...getProvider(stateData(s), provider),
    ask: getAsk(stateData(s), provider),
  }),
  sector: (s: LedgerState, provider: string, n: number): Sector | undefined =>
    getSector(stateData(s), provider, n),
  /** The header hash of ledger `seq` (at most the state's own), while the ring holds it. */
  randomness: (s: LedgerState, seq: number): Uint8Array | undefined => randomnessAt(nextLedgerView(s), seq),
  chainDigest: (s: LedgerState, provider: string, pos: number): Uint8Array =>
    chainDigest(stateData(s), provider, pos),
  /** Escrow, provider and client collateral and open bids' locks the module holds (part of the supply). */
  held: (s: LedgerState): bigint => moduleHeld(stateData(s), MARKET),
}
