// The market service's RPC methods and event, and their guards (issue 13, items 7 and 8): what
// the chain says about asks and this wallet's provider account, and posting an ask.
import { badParams, noParams, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { MarketView } from './market-view.ts'

export interface PostAskRequest {
  /** WATT per GiB per day, as decimal text (the core parses it exactly). */
  readonly price: string
  /** WATT of collateral per GiB, as decimal text. */
  readonly collateral: string
  /** Bytes offered in all; 0 withdraws the ask. */
  readonly capacity: number
}

export type MarketMethods = {
  'market.view': Method<undefined, MarketView>
  /**
   * Posts (or replaces) this wallet's storage ask, first depositing the collateral the capacity
   * needs beyond what the account already holds free in the market.
   */
  'market.postAsk': Method<PostAskRequest, { id: string }>
}

export type MarketEvents = {
  market: MarketView
}

const MAX_AMOUNT_TEXT = 40

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
}
