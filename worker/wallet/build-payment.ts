// Turns the send form (text fields) into a transaction body, checking everything the wallet can
// know before the network does: the address checksum, decimal amounts (never floats), the fee
// floor, and the spendable balance. Picks createAccount when the destination has no account yet.
import { parseAddress } from '../../shared/crypto/address.ts'
import type { PublicKey } from '../../shared/crypto/signer.ts'
import {
  type Amount,
  addressOf,
  type GenesisConfig,
  getAccount,
  type LedgerState,
  type Operation,
  parseWatt,
  type TxBody,
} from '../../shared/ledger/index.ts'
import { bytesEqual } from '../../shared/util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../../shared/util/errors.ts'

export interface SendRequest {
  readonly to: string
  /** Decimal WATT, e.g. '12.5'. */
  readonly amount: string
  /** Decimal WATT; empty or absent means the network's minimum fee. */
  readonly fee?: string
}

/** A transaction not applied within this long after its build is expired by the ledger itself. */
export const TX_LIFETIME_MS = 5 * 60_000

export interface PaymentContext {
  readonly state: LedgerState
  readonly config: GenesisConfig
  readonly source: PublicKey
  readonly seq: bigint
  /** Balance minus what pending transactions will spend. */
  readonly spendable: bigint
  /** Destinations of pending transactions: they exist (or will) by the time this one applies. */
  readonly pendingDests: ReadonlySet<string>
  readonly nowMs: number
}

/** The default fee: the genesis minimum for the one operation a payment has. */
export const defaultFee = (config: GenesisConfig): Amount => config.minFeePerOp

export const buildPayment = (req: SendRequest, c: PaymentContext): Result<TxBody, WattError> => {
  const dest = parseAddress(req.to)
  if (!dest.ok) return dest
  const amount = parseWatt(req.amount)
  if (!amount.ok) return amount
  if (amount.value === 0n) return err(wattError('bad_amount', { reason: 'zero' }))
  let fee = defaultFee(c.config)
  if (req.fee !== undefined && req.fee.trim() !== '') {
    const f = parseWatt(req.fee)
    if (!f.ok) return err(wattError('bad_fee', { reason: f.error.reason }))
    fee = f.value
  }
  if (fee < c.config.minFeePerOp)
    return err(wattError('below_min_fee', { min: c.config.minFeePerOp.toString() }))
  if (bytesEqual(dest.value, c.source)) return err(wattError('self_payment'))
  if (!getAccount(c.state, addressOf(c.source))) return err(wattError('no_account'))
  if (amount.value + fee > c.spendable) {
    return err(wattError('insufficient_balance', { spendable: c.spendable.toString() }))
  }
  const to = addressOf(dest.value)
  const exists = getAccount(c.state, to) !== undefined || c.pendingDests.has(to)
  const op = {
    type: exists ? 'payment' : 'createAccount',
    dest: dest.value,
    amount: amount.value,
  } as Operation
  return ok({
    network: c.config.networkId,
    source: c.source,
    seq: c.seq,
    fee,
    minTimeMs: 0,
    maxTimeMs: Math.max(c.nowMs, c.state.header.closeTimeMs) + TX_LIFETIME_MS,
    memo: new Uint8Array(0),
    ops: [op],
  })
}
