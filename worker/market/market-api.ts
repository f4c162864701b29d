// The market service's RPC methods and event, and their guards (issue 13, items 7 and 8): what
// the chain says about asks and this wallet's provider account, and posting an ask.
import { badParams, noParams, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { FileSource } from '../storage/importer.ts'
import type { MarketView } from './market-view.ts'

export interface PostAskRequest {
  /** WATT per GiB per day, as decimal text (the core parses it exactly). */
  readonly price: string
  /** WATT of collateral per GiB, as decimal text. */
  readonly collateral: string
  /** Bytes offered in all; 0 withdraws the ask. */
  readonly capacity: number
}

export interface DealTerms {
  /** Bytes of the file. */
  readonly size: number
  readonly replicas: number
  readonly days: number
}

export interface QuoteView {
  /** What the deal locks in escrow, base units as decimal text (the sum of the replicas). */
  readonly amount: string
  /**
   * The client collateral locked beside it (5% of the price by default), base units as decimal
   * text: refunded when each replica ends, unless its provider rejects it (docs/market.md).
   */
  readonly clientCollateral: string
  readonly periods: number
  readonly replicas: readonly { readonly provider: string; readonly amount: string }[]
}

export type MarketMethods = {
  'market.view': Method<undefined, MarketView>
  /**
   * Posts (or replaces) this wallet's storage ask, first depositing the collateral the capacity
   * needs beyond what the account already holds free in the market.
   */
  'market.postAsk': Method<PostAskRequest, { id: string }>
  /** The price of a deal from the current asks, before paying (`not_enough_providers` otherwise). */
  'market.quote': Method<DealTerms, QuoteView>
  /** Stores a file with `replicas` providers for `days`: imports it, publishes the deal, sends the data. */
  'market.store': Method<
    { readonly file: FileSource; readonly replicas: number; readonly days: number },
    { id: string; cid: string; amount: string }
  >
  /**
   * Stores a file by a bid: the network's close step picks the `replicas` cheapest able providers
   * at most `maxPrice` (WATT per GiB per day, decimal text) and refunds what the lock leaves over;
   * a bid no asks match by its last ledger is refunded whole.
   */
  'market.bid': Method<
    {
      readonly file: FileSource
      readonly replicas: number
      readonly days: number
      readonly maxPrice: string
    },
    { id: string; cid: string; locked: string }
  >
  /**
   * Offers an active replica this wallet provides to the cheapest provider that can take it over
   * (`no_successor` when none can); this wallet proves until the successor is active.
   */
  'market.handOver': Method<{ readonly deal: number; readonly replica: number }, { id: string; to: string }>
}

export type MarketEvents = {
  market: MarketView
}

const MAX_AMOUNT_TEXT = 40
/** Longest deal a user may ask for at once, in days. */
export const MAX_DEAL_DAYS = 3650

const terms = (o: Record<string, unknown>) => {
  const replicas = safeInt(o, 'replicas')
  const days = safeInt(o, 'days')
  if (replicas < 1 || replicas > 16) badParams('replicas')
  if (days < 1 || days > MAX_DEAL_DAYS) badParams('days')
  return { replicas, days }
}

export const MARKET_GUARDS: Guards<MarketMethods> = {
  'market.view': noParams,
  'market.postAsk': (p) => {
    const o = paramsObject(p)
    const capacity = safeInt(o, 'capacity')
    if (capacity < 0) badParams('capacity')
    return {
      price: text(o, 'price', MAX_AMOUNT_TEXT),
      collateral: text(o, 'collateral', MAX_AMOUNT_TEXT),
      capacity,
    }
  },
  'market.quote': (p) => {
    const o = paramsObject(p)
    const size = safeInt(o, 'size')
    if (size < 1) badParams('size')
    return { size, ...terms(o) }
  },
  'market.handOver': (p) => {
    const o = paramsObject(p)
    const deal = safeInt(o, 'deal')
    const replica = safeInt(o, 'replica')
    if (deal < 0) badParams('deal')
    if (replica < 0) badParams('replica')
    return { deal, replica }
  },
  'market.store': (p) => {
    const o = paramsObject(p)
    return o.file instanceof Blob ? { file: o.file, ...terms(o) } : badParams('file')
  },
  'market.bid': (p) => {
    const o = paramsObject(p)
    if (!(o.file instanceof Blob)) badParams('file')
    return { file: o.file as Blob, ...terms(o), maxPrice: text(o, 'maxPrice', MAX_AMOUNT_TEXT) }
  },
}
