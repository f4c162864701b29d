// Balance moves every operation and close step uses, with their rejection codes. Keeping them in
// one place keeps the supply-conservation argument in one place: each helper moves, never mints.
import type { Address } from '../crypto/address.ts'
import { wattError, type WattError } from '../util/errors.ts'
import { type Amount, asUnits, MAX_AMOUNT } from './amount.ts'
import type { LedgerDraft } from './draft.ts'

export type DebitCode = 'no_account' | 'insufficient_balance'
export type CreditCode = 'no_destination' | 'balance_overflow'
export type IssueCode = 'unknown_pool' | 'pool_exhausted' | CreditCode

export const debit = (d: LedgerDraft, a: Address, amt: Amount): WattError<DebitCode> | undefined => {
  const acct = d.getAccount(a)
  if (!acct) return wattError('no_account', { account: a })
  if (acct.balance < amt) return wattError('insufficient_balance', { account: a })
  d.putAccount(a, { ...acct, balance: (acct.balance - amt) as Amount })
  return undefined
}

export const credit = (d: LedgerDraft, a: Address, amt: Amount): WattError<CreditCode> | undefined => {
  const acct = d.getAccount(a)
  if (!acct) return wattError('no_destination', { account: a })
  if (acct.balance + amt > MAX_AMOUNT) return wattError('balance_overflow', { account: a })
  d.putAccount(a, { ...acct, balance: (acct.balance + amt) as Amount })
  return undefined
}

export const transfer = (
  d: LedgerDraft,
  from: Address,
  to: Address,
  amt: Amount,
): WattError<DebitCode | CreditCode> | undefined => debit(d, from, amt) ?? credit(d, to, amt)

/** Issues new coins from an unissued pool to an existing account (mining rewards). */
export const issue = (
  d: LedgerDraft,
  pool: string,
  to: Address,
  amt: Amount,
): WattError<IssueCode> | undefined => {
  const p = d.getPools()
  const left = p.unissued[pool]
  if (left === undefined) return wattError('unknown_pool', { pool })
  if (left < amt) return wattError('pool_exhausted', { pool })
  const e = credit(d, to, amt)
  if (e) return e
  d.putPools({ ...p, unissued: { ...p.unissued, [pool]: (left - amt) as Amount } })
  return undefined
}

/** Pays out of the fee pool (only close steps may: no transaction reaches this). */
export const payFromFeePool = (
  d: LedgerDraft,
  to: Address,
  amt: Amount,
): WattError<'insufficient_balance' | CreditCode> | undefined => {
  const p = d.getPools()
  if (p.feePool < amt) return wattError('insufficient_balance', { account: 'feePool' })
  const e = credit(d, to, amt)
  if (e) return e
  d.putPools({ ...p, feePool: (p.feePool - amt) as Amount })
  return undefined
}

/**
 * A module's held balance (escrow, collateral): coins that left accounts but stay in the supply.
 * Stored as one figure under `d/<module>/$held`; totalSupply counts it (state.ts).
 */
export const MODULE_HELD_KEY = '$held'

export const moduleHeld = (d: Pick<LedgerDraft, 'getData'>, module: string): Amount =>
  asUnits(d.getData(module, MODULE_HELD_KEY)) ?? (0n as Amount)

const putHeld = (d: LedgerDraft, module: string, v: bigint): void =>
  d.putData(module, MODULE_HELD_KEY, v === 0n ? undefined : v)

/** Moves coins from an account into a module's held balance. */
export const lockInModule = (
  d: LedgerDraft,
  module: string,
  from: Address,
  amt: Amount,
): WattError<DebitCode> | undefined => {
  const e = debit(d, from, amt)
  if (e) return e
  putHeld(d, module, moduleHeld(d, module) + amt)
  return undefined
}

/** Moves coins out of a module's held balance, to an account or (to = 'feePool') the fee pool. */
export const releaseFromModule = (
  d: LedgerDraft,
  module: string,
  to: Address | 'feePool',
  amt: Amount,
): WattError<'insufficient_balance' | CreditCode> | undefined => {
  const held = moduleHeld(d, module)
  if (held < amt) return wattError('insufficient_balance', { account: `${module}/held` })
  if (to === 'feePool') {
    const p = d.getPools()
    d.putPools({ ...p, feePool: (p.feePool + amt) as Amount })
  } else {
    const e = credit(d, to, amt)
    if (e) return e
  }
  putHeld(d, module, held - amt)
  return undefined
}
