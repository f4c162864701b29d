// redeem: a server (the voucher's payee, submitting it itself) is paid the increase of the
// voucher's cumulative amount over what it was already paid from that channel, up to what the
// channel still holds (docs/retrieval.md, "Redeeming"). What it is paid is recorded, never more:
// a voucher only partly paid (the channel ran short) can be redeemed again after a top-up, and a
// voucher not above what was paid is a replay. A client that signs more across servers than the
// channel holds makes them race; each server bounds its exposure by how much it serves per voucher.
// The checks run cheapest first; the signature (milliseconds, every validator) last, within the
// ledger's redeem budget.
import { addressOf, parseAddress } from '../crypto/address.ts'
import type { Amount } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { takeLedgerBudget } from '../ledger/lists.ts'
import { releaseFromModule } from '../ledger/money.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { parseFields } from '../market/wire.ts'
import { err, ok, wattError } from '../util/errors.ts'
import type { RetrievalCode } from './codes.ts'
import type { RetrievalParams } from './params.ts'
import { type Channel, getChannel, keys, putChannel, RETRIEVAL } from './store.ts'
import { decodeVoucher, MAX_VOUCHER_BYTES, type Voucher, verifyVoucher } from './voucher.ts'

export interface RedeemOp {
  readonly type: 'redeem'
  readonly channel: number
  /** Decoded from the wire form's bytes (voucher.ts) by the parser. */
  readonly voucher: Voucher
}

/** The refusal of a voucher for this channel and payee, or what it pays (above 0). */
const payable = (d: LedgerDraft, p: RetrievalParams, c: Channel, v: Voucher, payee: string) => {
  const paid = c.payees[payee] ?? 0n
  if (v.amount <= paid) return wattError('voucher_replay', { paid: paid.toString() })
  if (!Object.hasOwn(c.payees, payee) && Object.keys(c.payees).length >= p.maxPayeesPerChannel)
    return wattError('payee_limit', { max: p.maxPayeesPerChannel })
  if (c.balance === 0n) return wattError('channel_empty')
  if (!takeLedgerBudget(d, RETRIEVAL, keys.redeems, p.maxRedeemsPerLedger))
    return wattError('ledger_busy', { max: p.maxRedeemsPerLedger })
  const owner = parseAddress(c.client)
  if (!owner.ok || !verifyVoucher(d.config.networkId, owner.value, v)) return wattError('voucher_signature')
  const due = v.amount - paid
  return due < c.balance ? due : c.balance
}

export const redeem: OpHandler<RedeemOp, RetrievalParams, RetrievalCode> = {
  type: 'redeem',
  parse: (raw) => {
    const r = parseFields<{ channel: number; voucher: Uint8Array }>('redeem', raw, {
      channel: 'nat',
      voucher: { maxBytes: MAX_VOUCHER_BYTES },
    })
    if (!r.ok) return r
    const v = decodeVoucher(r.value.voucher)
    if (!v.ok)
      return err(wattError('malformed', { what: 'redeem', field: 'voucher', reason: v.error.reason }))
    return ok({ type: 'redeem', channel: r.value.channel, voucher: v.value })
  },
  apply: (d, op, ctx) => {
    const v = op.voucher
    if (v.channel !== op.channel) return wattError('wrong_channel', { voucher: v.channel })
    const c = getChannel(d, op.channel)
    if (c === undefined) return wattError('unknown_channel', { channel: op.channel })
    if (addressOf(v.payee) !== ctx.source) return wattError('wrong_payee')
    const pay = payable(d, ctx.params, c, v, ctx.source)
    if (typeof pay !== 'bigint') return pay
    const e = releaseFromModule(d, RETRIEVAL, ctx.source, pay as Amount)
    if (e) return e
    const payees = { ...c.payees, [ctx.source]: (c.payees[ctx.source] ?? 0n) + pay }
    putChannel(d, op.channel, { ...c, balance: c.balance - pay, payees })
    return undefined
  },
}
