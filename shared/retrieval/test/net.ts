// Retrieval tests' ledger: the market tests' MarketNet with the retrieval module composed after
// the market, its parameters shrunk (lives of a few ledgers, small limits) so every bound is
// reached in a handful of ledgers; and vouchers built here by hand from the byte format in
// docs/retrieval.md (DAG-CBOR and SHA-256 straight from the libraries, not the module's helpers),
// so the tests also pin that format.
import { createHash } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import type { TestKey } from '../../ledger/test/fixtures.ts'
import { MarketNet } from '../../market/test/net.ts'
import { retrievalModule } from '../module.ts'

/** The test network's id (fixtures' testConfig). */
export const TEST_NETWORK = 'watt-test'
export const FEE = 100n

export const SMALL_RETRIEVAL = {
  minChannelLedgers: 2,
  maxChannelLedgers: 40,
  settleLedgers: 3,
  minChannelAmount: '1000',
  maxChannelsPerClient: 3,
  maxOpenChannels: 6,
  maxPayeesPerChannel: 3,
  maxRedeemsPerLedger: 4,
}

export const retrievalNet = (over: Partial<Record<keyof typeof SMALL_RETRIEVAL, unknown>> = {}) =>
  new MarketNet({}, { modules: [retrievalModule], params: { retrieval: { ...SMALL_RETRIEVAL, ...over } } })

export const DIGEST_DOMAIN = 'watt/retrieval-voucher/v1'

/** sha256(domain || DAG-CBOR {network, channel, payee, amount}), as docs/retrieval.md says. */
export const refDigest = (network: string, channel: number, payee: Uint8Array, amount: bigint): Uint8Array =>
  new Uint8Array(
    createHash('sha256')
      .update(DIGEST_DOMAIN)
      .update(dagCbor.encode({ network, channel, payee, amount }))
      .digest(),
  )

export interface TestVoucher {
  readonly channel: number
  readonly payee: Uint8Array
  readonly amount: bigint
  readonly sig: Uint8Array
}

/** A voucher `signer` signs for `payee` (the channel's client signs the valid ones). */
export const signTest = async (
  signer: TestKey,
  channel: number,
  payee: TestKey,
  amount: bigint,
  network = TEST_NETWORK,
): Promise<TestVoucher> => ({
  channel,
  payee: payee.pk,
  amount,
  sig: await signer.signer.sign(refDigest(network, channel, payee.pk, amount)),
})

/** The wire bytes: DAG-CBOR {t: 'retrieval-voucher/1', channel, payee, amount, sig}. */
export const voucherBytes = (v: TestVoucher): Uint8Array =>
  dagCbor.encode({
    t: 'retrieval-voucher/1',
    channel: v.channel,
    payee: v.payee,
    amount: v.amount,
    sig: v.sig,
  })

export const redeemOp = (channel: number, v: TestVoucher) => ({
  type: 'redeem',
  channel,
  voucher: voucherBytes(v),
})
export const openOp = (amount: bigint, expires: number) => ({ type: 'openChannel', amount, expires })
export const fundOp = (channel: number, amount: bigint) => ({ type: 'fundChannel', channel, amount })
export const closeOp = (channel: number) => ({ type: 'closeChannel', channel })
