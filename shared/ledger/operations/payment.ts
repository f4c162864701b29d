// The two core operations: createAccount funds a new account; payment moves WATT between existing
// accounts. Both name the destination by its raw Ed25519 public key (32 bytes on the wire).
import { addressOf } from '../../crypto/address.ts'
import type { PublicKey } from '../../crypto/signer.ts'
import { err, ok, wattError } from '../../util/errors.ts'
import { type Amount, asUnits } from '../amount.ts'
import { credit, debit, transfer } from '../money.ts'
import { exactKeys, isBytes } from '../shape.ts'
import type { CoreCode } from './core.ts'
import type { OpHandler } from './registry.ts'

export interface CreateAccountOp {
  readonly type: 'createAccount'
  readonly dest: PublicKey
  readonly amount: Amount
}

export interface PaymentOp {
  readonly type: 'payment'
  readonly dest: PublicKey
  readonly amount: Amount
}

const parseTransfer = <T extends 'createAccount' | 'payment'>(
  type: T,
  raw: Readonly<Record<string, unknown>>,
) => {
  if (!exactKeys(raw, ['type', 'dest', 'amount']) || !isBytes(raw.dest, 32)) {
    return err(wattError('malformed', { what: type }))
  }
  const amount = asUnits(raw.amount)
  if (amount === undefined) return err(wattError('malformed', { what: type, field: 'amount' }))
  return ok({ type, dest: raw.dest as PublicKey, amount })
}

export const createAccount: OpHandler<CreateAccountOp, unknown, CoreCode> = {
  type: 'createAccount',
  parse: (raw) => parseTransfer('createAccount', raw),
  apply: (d, op, ctx) => {
    if (op.amount === 0n) return wattError('bad_amount', { reason: 'zero' })
    const dest = addressOf(op.dest)
    if (d.getAccount(dest)) return wattError('account_exists', { account: dest })
    const e = debit(d, ctx.source, op.amount)
    if (e) return e
    d.putAccount(dest, { balance: 0n as Amount, seq: 0n })
    return credit(d, dest, op.amount)
  },
}

export const payment: OpHandler<PaymentOp, unknown, CoreCode> = {
  type: 'payment',
  parse: (raw) => parseTransfer('payment', raw),
  apply: (d, op, ctx) => {
    if (op.amount === 0n) return wattError('bad_amount', { reason: 'zero' })
    return transfer(d, ctx.source, addressOf(op.dest), op.amount)
  },
}
