import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner, verifySync } from '../../shared/crypto/noble.ts'
import { bytesEqual, toHex, utf8 } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import { memoryKv } from './test-kit.ts'
import { createVault } from './vault.ts'

const setup = () => {
  const rng = createRng(21)
  const kv = memoryKv()
  const vault = createVault(kv, crypto.subtle, (n) => rng.bytes(n))
  const secret = createRng(22).bytes(32)
  const publicKey = nobleSigner(secret).publicKey
  return { kv, vault, secret, publicKey, address: addressOf(publicKey) }
}

const containsBytes = (hay: unknown, needle: Uint8Array): boolean => {
  if (hay instanceof Uint8Array) return toHex(hay).includes(toHex(needle))
  if (typeof hay === 'object' && hay !== null) return Object.values(hay).some((v) => containsBytes(v, needle))
  return false
}

test('the secret and phrase are stored only sealed, under a non-extractable AES-GCM key', async () => {
  const { kv, vault, secret, publicKey, address } = setup()
  const phrase = ['alpha', 'beta', 'gamma']
  await vault.save({ address, publicKey, secret: new Uint8Array(secret), phrase, confirmPositions: [1, 3] })
  const wrap = kv.raw.get('wrap-key') as CryptoKey
  assert.equal(wrap.extractable, false)
  assert.equal((wrap.algorithm as AesKeyAlgorithm).name, 'AES-GCM')
  for (const v of kv.raw.values()) {
    assert.ok(!containsBytes(v, secret), 'plaintext secret at rest')
    assert.ok(!containsBytes(v, utf8('alpha beta')), 'plaintext phrase at rest')
  }
})

test('withSigner signs with the stored key, also after a reload from the store', async () => {
  const { kv, vault, secret, publicKey, address } = setup()
  await vault.save({ address, publicKey, secret, confirmPositions: [] })
  const reloaded = createVault(kv, crypto.subtle, (n) => new Uint8Array(n))
  const info = await reloaded.load()
  assert.equal(info?.address, address)
  assert.equal(info?.backedUp, true)
  const msg = utf8('pay 1 WATT')
  const sig = await reloaded.withSigner(async (s) => {
    assert.ok(bytesEqual(s.publicKey, publicKey))
    return s.sign(msg)
  })
  assert.ok(verifySync(publicKey, msg, sig))
})

test('a sealed secret moved under another address fails to open (address is authenticated data)', async () => {
  const { kv, vault, secret, publicKey, address } = setup()
  await vault.save({ address, publicKey, secret, confirmPositions: [] })
  const rec = kv.raw.get('account') as Record<string, unknown>
  const other = addressOf(nobleSigner(createRng(23).bytes(32)).publicKey)
  kv.raw.set('account', { ...rec, address: other })
  const fresh = createVault(kv, crypto.subtle, (n) => new Uint8Array(n))
  await assert.rejects(
    fresh.withSigner(async () => 1),
    (e: unknown) => (e as { data: { code: string } }).data.code === 'vault_corrupt',
  )
})

test('backup confirmation: wrong words keep the phrase, right words forget it', async () => {
  const { kv, vault, secret, publicKey, address } = setup()
  const phrase = Array.from({ length: 24 }, (_, i) => `w${i + 1}`)
  let info = await vault.save({ address, publicKey, secret, phrase, confirmPositions: [2, 9, 24] })
  assert.equal(info.backedUp, false)
  assert.equal(await vault.confirmBackup({ 2: 'w2', 9: 'w9', 24: 'wrong' }), false)
  assert.equal(await vault.confirmBackup({ 2: 'w2', 9: 'w9' }), false)
  assert.equal((await vault.load())?.backedUp, false)
  assert.equal(await vault.confirmBackup({ 2: ' W2 ', 9: 'w9', 24: 'w24' }), true)
  info = (await vault.load())!
  assert.equal(info.backedUp, true)
  assert.equal((kv.raw.get('account') as { phrase?: unknown }).phrase, undefined)
})
