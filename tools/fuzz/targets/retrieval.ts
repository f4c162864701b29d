// Retrieval vouchers as a server's node receives them from a client (docs/retrieval.md): decoded
// strictly (decodeVoucher); an accepted voucher must re-encode to exactly its bytes (one encoding
// per voucher: what the server redeems is what the client signed) and its signature check must
// answer true or false. Seeds: vouchers a test key signed, at the bounds of channel and amount.
import * as fc from 'fast-check'
import { encode } from '../../../shared/codec/dag-cbor.ts'
import type { Amount } from '../../../shared/ledger/amount.ts'
import { testKey } from '../../../shared/ledger/test/fixtures.ts'
import {
  decodeVoucher,
  encodeVoucher,
  signVoucher,
  VOUCHER_WIRE_TAG,
  verifyVoucher,
} from '../../../shared/retrieval/voucher.ts'
import { bytesEqual } from '../../../shared/util/bytes.ts'
import { expect, type Target } from '../target.ts'
import { NETWORK } from './fixtures.ts'

const OWNER = testKey(30)
const PAYEE = testKey(31)

const signed = (channel: number, amount: bigint) =>
  signVoucher(OWNER.signer, NETWORK, { channel, payee: PAYEE.pk, amount: amount as Amount }).then(
    encodeVoucher,
  )

const voucher: Target<Uint8Array> = {
  name: 'voucher',
  about: "a retrieval voucher a server's node receives: decodeVoucher, then verifyVoucher against the owner",
  kind: 'bytes',
  cbor: true,
  seeds: async () => [
    await signed(0, 1n),
    await signed(7, 3_145_728n),
    await signed(2 ** 40, 2n ** 63n - 1n),
  ],
  vocabulary: { keys: ['t', 'channel', 'payee', 'amount', 'sig'], strings: [VOUCHER_WIRE_TAG] },
  arbitrary: fc.oneof(
    fc
      .record({
        channel: fc.oneof(fc.nat(), fc.integer()),
        amount: fc.bigInt({ min: -1n, max: 2n ** 64n - 1n }),
        payee: fc.uint8Array({ minLength: 31, maxLength: 33 }),
        sig: fc.uint8Array({ minLength: 63, maxLength: 65 }),
      })
      .map((o) => encode({ t: VOUCHER_WIRE_TAG, ...o })),
    fc.uint8Array({ maxLength: 220 }),
  ),
  run: (bytes) => {
    const v = decodeVoucher(bytes)
    if (!v.ok) return v
    expect(bytesEqual(encodeVoucher(v.value), bytes), 'an accepted voucher re-encodes to its bytes')
    return verifyVoucher(NETWORK, OWNER.pk, v.value)
  },
}

export const retrievalTargets: readonly Target[] = [voucher]
