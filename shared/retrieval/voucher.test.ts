// The voucher format and its helpers against bytes and digests built in the test (test/net.ts
// and by hand): the wire layout, the signed digest, strict decoding (every refusal reason),
// signatures that fail for another network, key, channel, payee or amount, and voucherDue's
// exact products.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as dagCbor from '@ipld/dag-cbor'
import type { PublicKey, Signature } from '../crypto/signer.ts'
import type { Amount } from '../ledger/amount.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { refDigest, signTest, TEST_NETWORK, voucherBytes } from './test/net.ts'
import {
  decodeVoucher,
  encodeVoucher,
  MAX_VOUCHER_BYTES,
  signVoucher,
  type Voucher,
  voucherDigest,
  voucherDue,
  verifyVoucher,
} from './voucher.ts'

const client = testKey(700)
const server = testKey(701)
const other = testKey(702)

const fixed: Voucher = {
  channel: 7,
  payee: new Uint8Array(32).fill(0x11) as PublicKey,
  amount: 1000n as Amount,
  sig: new Uint8Array(64).fill(0x22) as Signature,
}

test('wire form: a map of five fields in canonical order (t, sig, payee, amount, channel)', () => {
  const bytes = encodeVoucher(fixed)
  // a5: map(5); 61 74 "t"; 73 "retrieval-voucher/1" (19 chars)
  const head = [0xa5, 0x61, 0x74, 0x73, ...Buffer.from('retrieval-voucher/1')]
  assert.deepEqual([...bytes.subarray(0, head.length)], head)
  // 63 "sig" 58 40 <64 bytes>
  let at = head.length
  assert.deepEqual([...bytes.subarray(at, at + 6)], [0x63, 0x73, 0x69, 0x67, 0x58, 0x40])
  at += 6 + 64
  // 65 "payee" 58 20 <32 bytes>
  assert.deepEqual([...bytes.subarray(at, at + 8)], [0x65, ...Buffer.from('payee'), 0x58, 0x20])
  at += 8 + 32
  // 66 "amount" 19 03 e8 (1000); 67 "channel" 07
  assert.deepEqual(
    [...bytes.subarray(at)],
    [0x66, ...Buffer.from('amount'), 0x19, 0x03, 0xe8, 0x67, ...Buffer.from('channel'), 0x07],
  )
  assert.equal(bytes.length, 152)
  assert.ok(bytes.length <= MAX_VOUCHER_BYTES)
  assert.deepEqual(bytes, voucherBytes(fixed))
  assert.deepEqual(decodeVoucher(bytes), { ok: true, value: fixed })
})

test('digest: sha256 of the domain and the DAG-CBOR terms with the network id', () => {
  assert.deepEqual(voucherDigest(TEST_NETWORK, fixed), refDigest(TEST_NETWORK, 7, fixed.payee, 1000n))
  assert.notDeepEqual(voucherDigest('watt-other', fixed), voucherDigest(TEST_NETWORK, fixed))
})

test('sign and verify: the owner key on this network, for exactly these terms', async () => {
  const terms = { channel: 3, payee: server.pk, amount: 123_456_789n as Amount }
  const v = await signVoucher(client.signer, TEST_NETWORK, terms)
  assert.deepEqual(v, await signTest(client, 3, server, 123_456_789n), 'Ed25519 is deterministic')
  assert.equal(verifyVoucher(TEST_NETWORK, client.pk, v), true)
  assert.equal(verifyVoucher('watt-other', client.pk, v), false, 'another network')
  assert.equal(verifyVoucher(TEST_NETWORK, other.pk, v), false, 'another key')
  assert.equal(verifyVoucher(TEST_NETWORK, client.pk, { ...v, amount: (v.amount + 1n) as Amount }), false)
  assert.equal(verifyVoucher(TEST_NETWORK, client.pk, { ...v, channel: 4 }), false)
  assert.equal(verifyVoucher(TEST_NETWORK, client.pk, { ...v, payee: other.pk }), false)
  const flipped = new Uint8Array(v.sig)
  flipped[10]! ^= 1
  assert.equal(verifyVoucher(TEST_NETWORK, client.pk, { ...v, sig: flipped as Signature }), false)
  assert.equal(
    verifyVoucher(TEST_NETWORK, client.pk, { ...v, sig: v.sig.subarray(0, 63) as Signature }),
    false,
  )
  const big = await signVoucher(client.signer, TEST_NETWORK, { ...terms, amount: (2n ** 63n - 1n) as Amount })
  assert.deepEqual(
    decodeVoucher(encodeVoucher(big)),
    { ok: true, value: big },
    'the largest amount round-trips',
  )
})

test('decoding is strict: each refusal has its reason', () => {
  const reason = (b: Uint8Array) => {
    const r = decodeVoucher(b)
    return r.ok ? 'ok' : r.error.reason
  }
  const fields = { t: 'retrieval-voucher/1', channel: 7, payee: fixed.payee, amount: 1000, sig: fixed.sig }
  const enc = (o: unknown) => dagCbor.encode(o)
  assert.equal(reason(enc(fields)), 'ok')
  assert.equal(reason(new Uint8Array(MAX_VOUCHER_BYTES + 1)), 'bytes', 'too long')
  assert.equal(reason(new Uint8Array([0xff])), 'bytes', 'not CBOR')
  const good = enc(fields)
  assert.equal(reason(good.subarray(0, good.length - 1)), 'bytes', 'truncated')
  // the same map with the channel written as a 2-byte integer: decodes, but not canonical
  const long = new Uint8Array([...good.subarray(0, good.length - 1), 0x18, 0x07])
  assert.equal(reason(long), 'bytes', 'non-canonical integer')
  assert.equal(reason(enc({ ...fields, extra: 1 })), 'shape')
  assert.equal(reason(enc([1, 2, 3])), 'shape')
  const { sig: _, ...noSig } = fields
  assert.equal(reason(enc(noSig)), 'shape')
  assert.equal(reason(enc({ ...fields, t: 'retrieval-voucher/2' })), 'tag')
  assert.equal(reason(enc({ ...fields, channel: -1 })), 'channel')
  assert.equal(reason(enc({ ...fields, channel: 'x' })), 'channel')
  assert.equal(reason(enc({ ...fields, payee: new Uint8Array(31) })), 'payee')
  assert.equal(reason(enc({ ...fields, amount: -5 })), 'amount')
  assert.equal(reason(enc({ ...fields, amount: 2n ** 63n })), 'amount', 'above the largest amount')
  assert.equal(reason(enc({ ...fields, amount: 1.5 })), 'amount')
  assert.equal(reason(enc({ ...fields, sig: new Uint8Array(65) })), 'sig')
})

test('voucherDue: verified bytes times the price, exactly', () => {
  assert.equal(voucherDue(0n, 5n), 0n)
  assert.equal(voucherDue(1_048_576n, 3n), 3_145_728n)
  assert.equal(voucherDue(1n << 40n, 7_000n), 7_696_581_394_432_000n)
  assert.equal(voucherDue(2n ** 63n - 1n, 1n), 2n ** 63n - 1n)
  assert.throws(() => voucherDue(2n ** 62n, 2n), RangeError)
  assert.throws(() => voucherDue(-1n, 2n), RangeError)
  assert.throws(() => voucherDue(1n, -2n), RangeError)
})
