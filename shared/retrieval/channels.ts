// Opening, topping up and closing payment channels (docs/retrieval.md). openChannel locks a
// deposit from the client's balance in the module and gives the channel the next sequential id;
// any number of servers are then paid from it by vouchers (redeem.ts). fundChannel adds to a
// channel that is not closing. closeChannel starts the dispute window early: servers may redeem
// until `end` (closing ledger + settleLedgers, never later than expiry's end), then the close step
// (settle.ts) gives the rest back. Every refusal changes nothing.
import type { Address } from '../crypto/address.ts'
import { type Amount, MAX_AMOUNT } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, dataNumber } from '../ledger/lists.ts'
import { lockInModule } from '../ledger/money.ts'
import type { OpContext, OpHandler, Operation } from '../ledger/operations/registry.ts'
import { parseFields } from '../market/wire.ts'
import { type WattError, wattError } from '../util/errors.ts'
import type { RetrievalCode } from './codes.ts'
import type { RetrievalParams } from './params.ts'
import {
  type Channel,
  clientChannels,
  getChannel,
  isClosing,
  keys,
  putChannel,
  putClientChannels,
  RETRIEVAL,
} from './store.ts'

export interface OpenChannelOp {
  readonly type: 'openChannel'
  readonly amount: Amount
  readonly expires: number
}
export interface FundChannelOp {
  readonly type: 'fundChannel'
  readonly channel: number
  readonly amount: Amount
}
export interface CloseChannelOp {
  readonly type: 'closeChannel'
  readonly channel: number
}

type ChannelOp<O extends Operation> = OpHandler<O, RetrievalParams, RetrievalCode>
type Refusal = WattError<RetrievalCode>

const checkOpen = (d: LedgerDraft, p: RetrievalParams, op: OpenChannelOp, client: Address) => {
  if (op.amount === 0n || op.amount < p.minChannelAmount)
    return wattError('bad_channel', { reason: 'amount', min: p.minChannelAmount.toString() })
  const [min, max] = [d.seq + p.minChannelLedgers, d.seq + p.maxChannelLedgers]
  if (op.expires < min || op.expires > max) return wattError('bad_channel', { reason: 'expires', min, max })
  if (dataNumber(d, RETRIEVAL, keys.open) >= p.maxOpenChannels)
    return wattError('channel_limit', { scope: 'network', max: p.maxOpenChannels })
  if (clientChannels(d, client).length >= p.maxChannelsPerClient)
    return wattError('channel_limit', { scope: 'client', max: p.maxChannelsPerClient })
  return undefined
}

export const openChannel: ChannelOp<OpenChannelOp> = {
  type: 'openChannel',
  parse: (raw) => parseFields('openChannel', raw, { amount: 'amount', expires: 'nat' }),
  apply: (d, op, ctx) => {
    const refused =
      checkOpen(d, ctx.params, op, ctx.source) ?? lockInModule(d, RETRIEVAL, ctx.source, op.amount)
    if (refused) return refused
    const id = dataNumber(d, RETRIEVAL, keys.nextChannel)
    d.putData(RETRIEVAL, keys.nextChannel, id + 1)
    const end = op.expires + ctx.params.settleLedgers
    const channel: Channel = {
      client: ctx.source,
      funded: op.amount,
      balance: op.amount,
      opened: d.seq,
      expires: op.expires,
      end,
      closedAt: -1,
      payees: {},
    }
    putChannel(d, id, channel)
    putClientChannels(d, ctx.source, [...clientChannels(d, ctx.source), id])
    d.putData(RETRIEVAL, keys.open, dataNumber(d, RETRIEVAL, keys.open) + 1)
    appendToList(d, RETRIEVAL, keys.endList(end), String(id))
    return undefined
  },
}

/** The source's channel that is not closing yet, or the refusal. */
const ownOpenChannel = (d: LedgerDraft, id: number, ctx: OpContext<RetrievalParams>): Channel | Refusal => {
  const c = getChannel(d, id)
  if (c === undefined) return wattError('unknown_channel', { channel: id })
  if (c.client !== ctx.source) return wattError('not_owner', { channel: id })
  if (isClosing(c, d.seq)) return wattError('channel_closing', { channel: id, end: c.end })
  return c
}

export const fundChannel: ChannelOp<FundChannelOp> = {
  type: 'fundChannel',
  parse: (raw) => parseFields('fundChannel', raw, { channel: 'nat', amount: 'amount' }),
  apply: (d, op, ctx) => {
    const c = ownOpenChannel(d, op.channel, ctx)
    if ('code' in c) return c
    if (op.amount === 0n || c.funded + op.amount > MAX_AMOUNT)
      return wattError('bad_channel', { reason: 'amount' })
    const e = lockInModule(d, RETRIEVAL, ctx.source, op.amount)
    if (e) return e
    putChannel(d, op.channel, { ...c, funded: c.funded + op.amount, balance: c.balance + op.amount })
    return undefined
  },
}

export const closeChannel: ChannelOp<CloseChannelOp> = {
  type: 'closeChannel',
  parse: (raw) => parseFields('closeChannel', raw, { channel: 'nat' }),
  apply: (d, op, ctx) => {
    const c = ownOpenChannel(d, op.channel, ctx)
    if ('code' in c) return c
    const end = Math.min(c.end, d.seq + ctx.params.settleLedgers)
    if (end !== c.end) appendToList(d, RETRIEVAL, keys.endList(end), String(op.channel))
    putChannel(d, op.channel, { ...c, end, closedAt: d.seq })
    return undefined
  },
}
