// The ask and pay messages of /watt/retrieve/1: they round-trip, and the guards refuse a priced ask
// without a 32-byte payee, a price that is not a plain decimal, extra fields and oversized vouchers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encode } from '@ipld/dag-cbor'
import {
  decodeRetrieveAnswer,
  decodeRetrieveRequest,
  encodeAskRequest,
  encodePayRequest,
  encodeRetrieveAnswer,
} from './retrieve-wire.ts'

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

test('ask and pay requests round-trip; extra fields and long vouchers are refused', () => {
  assert.deepEqual(decodeRetrieveRequest(encodeAskRequest(CID)), { t: 'ask', cid: CID })
  const v = new Uint8Array([1, 2, 3])
  assert.deepEqual(decodeRetrieveRequest(encodePayRequest(v)), { t: 'pay', voucher: v })
  assert.equal(decodeRetrieveRequest(encode({ t: 'ask', cid: CID, x: 1 })), undefined)
  assert.equal(decodeRetrieveRequest(encode({ t: 'pay', voucher: new Uint8Array(2049) })), undefined)
})

test('an ask answer: priced needs a 32-byte payee, the price is a plain decimal', () => {
  const payee = new Uint8Array(32).fill(7)
  const priced = { t: 'ask', pricePerByte: '12', interval: 1 << 20, payee } as const
  assert.deepEqual(decodeRetrieveAnswer(encodeRetrieveAnswer(priced)), priced)
  const free = { t: 'ask', pricePerByte: '0', interval: 0, size: 5 } as const
  assert.deepEqual(decodeRetrieveAnswer(encodeRetrieveAnswer(free)), free)
  for (const bad of [
    { t: 'ask', pricePerByte: '12', interval: 1 },
    { t: 'ask', pricePerByte: '12', interval: 1, payee: new Uint8Array(31) },
    { t: 'ask', pricePerByte: '012', interval: 1, payee },
    { t: 'ask', pricePerByte: '-1', interval: 1, payee },
    { t: 'ask', pricePerByte: '1'.repeat(20), interval: 1, payee },
    { t: 'ask', pricePerByte: 12, interval: 1, payee },
  ])
    assert.equal(decodeRetrieveAnswer(encode(bad)), undefined, JSON.stringify(bad.pricePerByte))
  assert.deepEqual(decodeRetrieveAnswer(encodeRetrieveAnswer({ t: 'paid' })), { t: 'paid' })
})
