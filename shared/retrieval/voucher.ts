// Vouchers (docs/retrieval.md): a client pays a server by signing, with its account key, the
// cumulative amount it owes that server from one channel. The server carries the voucher bytes
// opaquely and redeems the latest one on the ledger; only the increase over what it was already
// paid moves. The signature covers a domain-separated digest of the network id and the terms, so a
// voucher is good on one network, for one channel, for one payee. Pure and isomorphic: the client
// signs through the Signer port (the wallet key in the worker), every validator verifies
// synchronously with noble. `voucherDue` is the one home of "a voucher never exceeds the verified
// bytes times the price".
import { sha256 } from '@noble/hashes/sha2.js'
import { decode, encode } from '../codec/dag-cbor.ts'
import { verifySync } from '../crypto/noble.ts'
import type { PublicKey, Signature, Signer } from '../crypto/signer.ts'
import { type Amount, asUnits, MAX_AMOUNT } from '../ledger/amount.ts'
import { exactKeys, isBytes, isSafeNat } from '../ledger/shape.ts'
import { tag } from '../storage/proof-bytes.ts'
import { concatBytes } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'

/** What a voucher promises: `amount` base units in all, from `channel`, to the payee's account key. */
export interface VoucherTerms {
  readonly channel: number
  readonly payee: PublicKey
  readonly amount: Amount
}

export interface Voucher extends VoucherTerms {
  /** Ed25519 by the channel owner's account key over voucherDigest(network, terms). */
  readonly sig: Signature
}

/** The wire form's tag (field `t`): another version is another tag. */
export const VOUCHER_WIRE_TAG = 'retrieval-voucher/1'
/** The digest's domain: 'watt/retrieval-voucher/v1'. */
const DIGEST_TAG = tag('retrieval-voucher')
/** A voucher's wire form is 150 to 166 bytes; anything above this is refused before decoding. */
export const MAX_VOUCHER_BYTES = 192

export type VoucherProblem = 'bytes' | 'shape' | 'tag' | 'channel' | 'payee' | 'amount' | 'sig'
export type VoucherError = WattError<'bad_voucher'> & { readonly reason: VoucherProblem }

const bad = (reason: VoucherProblem): { ok: false; error: VoucherError } =>
  err(wattError('bad_voucher', { reason }) as VoucherError)

/**
 * sha256('watt/retrieval-voucher/v1' || DAG-CBOR {amount, channel, network, payee}): what the
 * channel owner signs. The tag has a fixed length and the rest is one canonical encoding.
 */
export const voucherDigest = (networkId: string, t: VoucherTerms): Uint8Array =>
  sha256(
    concatBytes(
      DIGEST_TAG,
      encode({ network: networkId, channel: t.channel, payee: t.payee, amount: t.amount }),
    ),
  )

/** DAG-CBOR {t, channel, payee, amount, sig}: the bytes a server keeps and redeems. */
export const encodeVoucher = (v: Voucher): Uint8Array =>
  encode({ t: VOUCHER_WIRE_TAG, channel: v.channel, payee: v.payee, amount: v.amount, sig: v.sig })

/** Strict decoding: canonical DAG-CBOR, exactly the five fields, each checked. */
export const decodeVoucher = (bytes: Uint8Array): Result<Voucher, VoucherError> => {
  if (bytes.length > MAX_VOUCHER_BYTES) return bad('bytes')
  const raw = decode(bytes, MAX_VOUCHER_BYTES)
  if (!raw.ok) return bad('bytes')
  const o = raw.value
  if (!exactKeys(o, ['t', 'channel', 'payee', 'amount', 'sig'])) return bad('shape')
  if (o.t !== VOUCHER_WIRE_TAG) return bad('tag')
  if (!isSafeNat(o.channel)) return bad('channel')
  if (!isBytes(o.payee, 32)) return bad('payee')
  const amount = asUnits(o.amount)
  if (amount === undefined) return bad('amount')
  if (!isBytes(o.sig, 64)) return bad('sig')
  return ok({ channel: o.channel, payee: o.payee as PublicKey, amount, sig: o.sig as Signature })
}

/** Signs the terms with the channel owner's key (the wallet's Signer in the worker). */
export const signVoucher = async (signer: Signer, networkId: string, t: VoucherTerms): Promise<Voucher> => ({
  channel: t.channel,
  payee: t.payee,
  amount: t.amount,
  sig: await signer.sign(voucherDigest(networkId, t)),
})

/** True when `owner` (the channel client's public key) signed the voucher for this network. */
export const verifyVoucher = (networkId: string, owner: Uint8Array, v: Voucher): boolean =>
  verifySync(owner, voucherDigest(networkId, v), v.sig)

/**
 * What a client owes after `verifiedBytes` verified bytes at `pricePerByte` base units a byte:
 * exactly their product. The client signs at most this; negative inputs or a product above the
 * largest amount are a RangeError (a programming error, never a rounded payment).
 */
export const voucherDue = (verifiedBytes: bigint, pricePerByte: bigint): Amount => {
  if (verifiedBytes < 0n || pricePerByte < 0n) throw new RangeError('voucherDue: negative input')
  const due = verifiedBytes * pricePerByte
  if (due > MAX_AMOUNT) throw new RangeError('voucherDue: above the largest amount')
  return due as Amount
}
