// WebAuthn presence assertions: real ES256 assertions made with node:crypto (test/authenticator.ts)
// pass, and each way of being wrong is refused with its own code.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { makeAssertion, softPasskey } from './test/authenticator.ts'
import { fromBase64Url, normalizeP256Key, presenceChallenge, verifyAssertion } from './webauthn.ts'

const ACCOUNT = 'WACCOUNTA'
const key = softPasskey()
const ctx = {
  networkId: 'watt-test',
  day: 3,
  account: ACCOUNT,
  rpIds: ['localhost', 'watt.example'],
  publicKey: key.publicKey,
}
const challenge = (network = 'watt-test', day = 3, account = ACCOUNT) =>
  `WATT presence v1|${network}|${day}|${account}`

test('the challenge is the documented text', () => {
  assert.equal(new TextDecoder().decode(presenceChallenge('watt-test', 3, ACCOUNT)), challenge())
})

test('base64url decodes what Node encodes, and refuses padding and stray bits', () => {
  for (const n of [0, 1, 2, 3, 31, 32, 33]) {
    const b = new Uint8Array(n).map((_, i) => (i * 37 + 11) & 0xff)
    assert.deepEqual(fromBase64Url(Buffer.from(b).toString('base64url')), b)
  }
  assert.equal(fromBase64Url('AA=='), undefined)
  assert.equal(fromBase64Url('AB'), undefined)
  assert.equal(fromBase64Url('A'), undefined)
})

test('a good assertion verifies, from localhost and from an https origin of an allowed rp id', () => {
  assert.equal(verifyAssertion(makeAssertion(key, { challenge: challenge() }), ctx), undefined)
  const sub = makeAssertion(key, {
    challenge: challenge(),
    origin: 'https://app.watt.example',
    rpId: 'watt.example',
  })
  assert.equal(verifyAssertion(sub, ctx), undefined)
  // compressed or uncompressed, the same key
  assert.equal(verifyAssertion(sub, { ...ctx, publicKey: normalizeP256Key(key.publicKey)! }), undefined)
})

test('every rejection has its code', () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const cases: [string, Parameters<typeof makeAssertion>[1]][] = [
    ['presence_bad_client_data', { challenge: challenge(), type: 'webauthn.create' }],
    ['presence_bad_client_data', { challenge: challenge(), crossOrigin: true }],
    ['presence_bad_challenge', { challenge: 'random bytes' }],
    ['presence_bad_challenge', { challenge: challenge('watt-main') }],
    ['presence_wrong_day', { challenge: challenge('watt-test', 2) }],
    ['presence_wrong_account', { challenge: challenge('watt-test', 3, 'WACCOUNTB') }],
    ['presence_wrong_rp', { challenge: challenge(), origin: 'https://evil.example', rpId: 'evil.example' }],
    ['presence_wrong_rp', { challenge: challenge(), origin: 'http://watt.example', rpId: 'watt.example' }],
    ['presence_wrong_rp', { challenge: challenge(), origin: 'https://watt.example', rpId: 'localhost' }],
    [
      'presence_wrong_rp',
      { challenge: challenge(), origin: 'https://notwatt.example', rpId: 'watt.example' },
    ],
    ['presence_no_uv', { challenge: challenge(), flags: 0x01 }],
    ['presence_no_uv', { challenge: challenge(), flags: 0x04 }],
    ['presence_bad_signature', { challenge: challenge(), signWith: other }],
  ]
  for (const [code, o] of cases)
    assert.equal(verifyAssertion(makeAssertion(key, o), ctx), code, JSON.stringify(o))
  const good = makeAssertion(key, { challenge: challenge() })
  const tampered = {
    ...good,
    authenticatorData: good.authenticatorData.map((b, i) => (i === 36 ? b ^ 1 : b)),
  }
  assert.equal(verifyAssertion(tampered, ctx), 'presence_bad_signature')
  const garbage = { ...good, signature: new Uint8Array(70).fill(0x30) }
  assert.equal(verifyAssertion(garbage, ctx), 'presence_bad_signature')
  const notJson = { ...good, clientDataJSON: new TextEncoder().encode('{"type":') }
  assert.equal(verifyAssertion(notJson, ctx), 'presence_bad_client_data')
})

test('a public key off the curve is refused', () => {
  assert.equal(normalizeP256Key(new Uint8Array(65).fill(4)), undefined)
  assert.equal(normalizeP256Key(key.publicKey)?.length, 33)
})
