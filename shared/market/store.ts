// The market's ledger data (under d/market/...): asks, provider accounts, deals, replicas,
// sectors, seal-proof parts in flight, window chains, the randomness ring and the index lists.
// Amounts are bigints in the draft; DAG-CBOR may give small ones back as numbers, so every read
// goes through `amountFields` once.
import type { Address } from '../crypto/address.ts'
import { asUnits } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import type { DataReader } from '../ledger/lists.ts'
import { RANDOMNESS_RING } from './params.ts'

export const MARKET = 'market'

export type ReplicaState = 'proposed' | 'sealing' | 'active' | 'faulty' | 'terminated' | 'expired'

export interface Ask {
  /** Base units per GiB per day. */
  readonly price: bigint
  /** Base units of collateral per GiB. */
  readonly collateral: bigint
  readonly minSize: number
  readonly maxSize: number
  readonly minPeriods: number
  readonly maxPeriods: number
  /** Bytes of deals the provider takes at most (live replicas). */
  readonly capacity: number
  /** The libp2p peer id of the provider's node: clients send the deal's data there. */
  readonly peer: string
}

export interface ProviderAccount {
  /** Collateral deposited and not locked in a replica. */
  readonly free: bigint
  /** Bytes of live replicas (proposed to active or faulty). */
  readonly used: number
  /** Bytes of replicas active (sealed, last window proven). */
  readonly proven: number
  readonly faults: number
  readonly earned: bigint
  readonly slashed: bigint
}

export interface Deal {
  readonly client: Address
  readonly cid: string
  readonly commD: Uint8Array
  readonly size: number
  readonly periods: number
  /** The ledger by which every replica must be active. */
  readonly startBy: number
  readonly published: number
  readonly replicas: number
  /** The bid it was matched from (bids.ts), or -1 when the client took the asks directly. */
  readonly bid: number
}

export interface Replica {
  readonly provider: Address
  readonly state: ReplicaState
  /** The client's payment for the whole term (locked at publication). */
  readonly total: bigint
  /** What is left of it in escrow. */
  readonly escrow: bigint
  readonly paid: bigint
  /** Collateral locked at publication, and what is left of it. */
  readonly collateral0: bigint
  readonly collateral: bigint
  /** The client's collateral for this replica (locked at publication, 0 once it ended). */
  readonly clientCollateral: bigint
  /** -1 before pre-commit. */
  readonly sector: number
  /** Windows settled (proven or faulty) since activation. */
  readonly windows: number
  readonly faults: number
  readonly consecutive: number
  /**
   * Why it ended: '' (live or expired), 'not_activated', 'faults', 'rejected', 'handed_over' (its
   * successor took over), 'predecessor_ended' (a successor whose predecessor ended before it).
   */
  readonly reason: string
  /** Hand-over (hand-over.ts): the provider this replica is offered to, not yet taken. */
  readonly offer?: Address
  /** The successor replica sealing to take this one over. */
  readonly to?: number
  /** The replica this one took, or is taking, over. */
  readonly from?: number
}

export interface Sector {
  readonly deal: number
  readonly replica: number
  readonly commR: Uint8Array
  /** The ticket bound to the deal and replica (tickets.ts). */
  readonly ticket: Uint8Array
  readonly seedSeq: number
  /** Seal-proof parts received so far, and their bytes. */
  readonly parts: number
  readonly partBytes: number
  /** First proving period with a window for it (set on activation, -1 before). */
  readonly firstPeriod: number
  /** Last period it was proven for (-1 none). */
  readonly proven: number
  /** Declared faulty ahead of its next proof deadline. */
  readonly declared: boolean
}

export type BidState = 'open' | 'matched' | 'cancelled' | 'expired'

/** A client's standing offer for a deal (bids.ts), matched against the asks by the close step. */
export interface Bid {
  readonly client: Address
  readonly cid: string
  readonly commD: Uint8Array
  readonly size: number
  readonly replicas: number
  readonly periods: number
  readonly startBy: number
  /** Base units per GiB per day at most, per replica. */
  readonly maxPrice: bigint
  readonly posted: number
  /** The last ledger whose close step may match it; then it expires. */
  readonly expires: number
  /** Held by the module while open: the escrow and client collateral at maxPrice. */
  readonly locked: bigint
  readonly state: BidState
  /** The deal it became (-1 until matched). */
  readonly deal: number
}

export const keys = {
  ask: (a: string) => `ask/${a}`,
  provider: (a: string) => `prov/${a}`,
  deal: (id: number) => `deal/${id}`,
  replica: (id: number, i: number) => `rep/${id}/${i}`,
  sector: (a: string, n: number) => `sec/${a}/${n}`,
  part: (a: string, n: number, k: number) => `part/${a}/${n}/${k}`,
  chain: (a: string, pos: number) => `chain/${a}/${pos}`,
  rand: (seq: number) => `rand/${seq % RANDOMNESS_RING}`,
  nextDeal: 'next-deal',
  verifies: 'verifies',
  /** Lists (lists.ts): sectors at a window position, replicas due to start, deals by CID/client/provider. */
  windowList: (pos: number) => `win/${pos}`,
  startList: (seq: number) => `start/${seq}`,
  cidList: (cid: string) => `cid/${cid}`,
  clientList: (a: string) => `client/${a}`,
  providerList: (a: string) => `preps/${a}`,
  /** Hand-over offers made to a provider, as `<deal>/<replica>` (hand-over.ts). */
  offerList: (a: string) => `offers/${a}`,
  /** Every provider that ever posted an ask, once each, in the order of its first ask. */
  askList: 'asks',
  bid: (id: number) => `bid/${id}`,
  nextBid: 'next-bid',
  /** Open bids (ids ascending; closed ones are dropped by the close step), and their count. */
  bidList: 'bids',
  openBids: 'bids-open',
  /** How many bids of one client are open (a count), and every bid it posted (a list). */
  clientOpenBids: (a: string) => `bids-open/${a}`,
  clientBidList: (a: string) => `bids-of/${a}`,
  /** The bid id the matcher starts from next ledger (it visits the open bids in turn). */
  bidCursor: 'bid-cursor',
  /** Lists: bids whose last matching ledger is `seq`. */
  bidEndList: (seq: number) => `bid-end/${seq}`,
}

const amount = (x: unknown): bigint => asUnits(x) ?? 0n

const num = (x: unknown): number => (typeof x === 'bigint' ? Number(x) : (x as number))

/** Normalizes the named fields of a stored record (amounts to bigint, counts to number). */
const normalize = <T>(raw: unknown, amounts: readonly string[], counts: readonly string[]): T | undefined => {
  if (raw === undefined) return undefined
  const o: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
  for (const f of amounts) o[f] = amount(o[f])
  for (const f of counts) if (f in o) o[f] = num(o[f])
  return o as T
}

export const getAsk = (d: DataReader, a: string): Ask | undefined =>
  normalize(
    d.getData(MARKET, keys.ask(a)),
    ['price', 'collateral'],
    ['minSize', 'maxSize', 'minPeriods', 'maxPeriods', 'capacity'],
  )

const NO_PROVIDER: ProviderAccount = { free: 0n, used: 0, proven: 0, faults: 0, earned: 0n, slashed: 0n }

export const getProvider = (d: DataReader, a: string): ProviderAccount =>
  normalize<ProviderAccount>(
    d.getData(MARKET, keys.provider(a)),
    ['free', 'earned', 'slashed'],
    ['used', 'proven', 'faults'],
  ) ?? NO_PROVIDER

export const putProvider = (d: LedgerDraft, a: string, p: ProviderAccount): void =>
  d.putData(MARKET, keys.provider(a), p)

export const updateProvider = (d: LedgerDraft, a: string, f: (p: ProviderAccount) => ProviderAccount): void =>
  putProvider(d, a, f(getProvider(d, a)))

export const getDeal = (d: DataReader, id: number): Deal | undefined =>
  normalize(
    d.getData(MARKET, keys.deal(id)),
    [],
    ['size', 'periods', 'startBy', 'published', 'replicas', 'bid'],
  )

export const getReplica = (d: DataReader, id: number, i: number): Replica | undefined =>
  normalize(
    d.getData(MARKET, keys.replica(id, i)),
    ['total', 'escrow', 'paid', 'collateral0', 'collateral', 'clientCollateral'],
    ['sector', 'windows', 'faults', 'consecutive', 'to', 'from'],
  )

export const putReplica = (d: LedgerDraft, id: number, i: number, r: Replica): void =>
  d.putData(MARKET, keys.replica(id, i), r)

export const getSector = (d: DataReader, a: string, n: number): Sector | undefined =>
  normalize(
    d.getData(MARKET, keys.sector(a, n)),
    [],
    ['deal', 'replica', 'seedSeq', 'parts', 'partBytes', 'firstPeriod', 'proven'],
  )

export const putSector = (d: LedgerDraft, a: string, n: number, s: Sector | undefined): void =>
  d.putData(MARKET, keys.sector(a, n), s)

export const getBid = (d: DataReader, id: number): Bid | undefined =>
  normalize(
    d.getData(MARKET, keys.bid(id)),
    ['maxPrice', 'locked'],
    ['size', 'replicas', 'periods', 'startBy', 'posted', 'expires', 'deal'],
  )

export const putBid = (d: LedgerDraft, id: number, b: Bid): void => d.putData(MARKET, keys.bid(id), b)

/** The header hash of ledger `seq` (its CID bytes), if the ring still holds it. */
export const randomnessAt = (d: Pick<LedgerDraft, 'getData' | 'seq' | 'prevHeader'>, seq: number) => {
  if (seq === d.seq - 1) return d.prevHeader
  if (seq < 0 || seq >= d.seq || d.seq - 1 - seq >= RANDOMNESS_RING) return undefined
  const e = d.getData(MARKET, keys.rand(seq)) as { seq: unknown; h: Uint8Array } | undefined
  return e !== undefined && num(e.seq) === seq ? e.h : undefined
}

/** Close step part: the ring keeps the previous ledger's header hash. */
export const recordRandomness = (d: LedgerDraft): void => {
  if (d.seq >= 1) d.putData(MARKET, keys.rand(d.seq - 1), { seq: d.seq - 1, h: d.prevHeader })
}
