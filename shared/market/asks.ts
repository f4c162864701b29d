// A provider's side before any deal: postAsk (its terms, replacing any earlier ask; capacity 0
// withdraws it; the first ask puts the provider on the list of asks clients read), addCollateral (account -> its free collateral, held by the module) and
// withdrawCollateral (free collateral -> account; collateral locked in replicas stays).
import type { Amount } from '../ledger/amount.ts'
import { appendToList } from '../ledger/lists.ts'
import { lockInModule, releaseFromModule } from '../ledger/money.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { wattError } from '../util/errors.ts'
import type { MarketCode } from './codes.ts'
import type { MarketParams } from './params.ts'
import { type Ask, getAsk, getProvider, keys, MARKET, updateProvider } from './store.ts'
import { parseFields } from './wire.ts'

type MarketOp<O> = OpHandler<O & { type: string }, MarketParams, MarketCode>

export interface PostAskOp extends Ask {
  readonly type: 'postAsk'
}
export interface CollateralOp {
  readonly type: 'addCollateral' | 'withdrawCollateral'
  readonly amount: Amount
}

export const postAsk: MarketOp<PostAskOp> = {
  type: 'postAsk',
  parse: (raw) =>
    parseFields('postAsk', raw, {
      price: 'amount',
      collateral: 'amount',
      minSize: 'nat',
      maxSize: 'nat',
      minPeriods: 'nat',
      maxPeriods: 'nat',
      capacity: 'nat',
      peer: 'peer',
    }),
  apply: (d, op, ctx) => {
    const p = ctx.params
    if (op.minSize < 1 || op.minSize > op.maxSize || op.maxSize > p.maxSectorSize)
      return wattError('bad_ask', { reason: 'size' })
    if (op.minPeriods < 1 || op.minPeriods > op.maxPeriods || op.maxPeriods > p.maxDealPeriods)
      return wattError('bad_ask', { reason: 'periods' })
    const { type: _, ...ask } = op
    if (getAsk(d, ctx.source) === undefined) appendToList(d, MARKET, keys.askList, ctx.source)
    d.putData(MARKET, keys.ask(ctx.source), ask)
    return undefined
  },
}

export const addCollateral: MarketOp<CollateralOp> = {
  type: 'addCollateral',
  parse: (raw) =>
    parseFields('addCollateral', raw, { amount: 'amount' }, (o) => (o.amount === 0n ? 'amount' : undefined)),
  apply: (d, op, ctx) => {
    const e = lockInModule(d, MARKET, ctx.source, op.amount)
    if (e) return e
    updateProvider(d, ctx.source, (p) => ({ ...p, free: p.free + op.amount }))
    return undefined
  },
}

export const withdrawCollateral: MarketOp<CollateralOp> = {
  type: 'withdrawCollateral',
  parse: (raw) =>
    parseFields('withdrawCollateral', raw, { amount: 'amount' }, (o) =>
      o.amount === 0n ? 'amount' : undefined,
    ),
  apply: (d, op, ctx) => {
    const prov = getProvider(d, ctx.source)
    if (prov.free < op.amount) return wattError('collateral_locked', { free: prov.free.toString() })
    const e = releaseFromModule(d, MARKET, ctx.source, op.amount)
    if (e) return e
    updateProvider(d, ctx.source, (p) => ({ ...p, free: p.free - op.amount }))
    return undefined
  },
}
