import assert from 'node:assert/strict'
import { createDecipheriv, hkdfSync, pbkdf2Sync } from 'node:crypto'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner, verifySync } from '../../shared/crypto/noble.ts'
import { toHex, utf8 } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import { codeOf, memoryKv } from './test-kit.ts'
import { createVault } from './vault.ts'

const PIN = '482915'
const ITERATIONS = 1000 // the product's 600,000 (checked once below) would make this file slow
const PHRASE = Array.from({ length: 24 }, (_, i) => `word${String.fromCharCode(97 + i)}`)

const setup = (seed = 21) => {
  const rng = createRng(seed)
  const kv = memoryKv()
  const random = (n: number) => rng.bytes(n)
  const vault = createVault(kv, crypto.subtle, random, { pinIterations: ITERATIONS })
  const secret = createRng(seed + 1).bytes(32)
  const publicKey = nobleSigner(secret).publicKey
  /** A new core session on the same store. */
  const reload = () => createVault(kv, crypto.subtle, random, { pinIterations: ITERATIONS })
  const address = addressOf(publicKey)
  /** A backed-up account under the PIN; tests override what they look at. */
  const account = { address, publicKey, secret, confirmPositions: [] as number[], lock: { pin: PIN } }
  return { kv, vault, reload, secret, publicKey, address, account }
}

/** True when `needle` (bytes, or text as UTF-8) occurs anywhere in a stored structured value. */
const holds = (hay: unknown, needle: Uint8Array): boolean => {
  if (hay instanceof Uint8Array) return toHex(hay).includes(toHex(needle))
  if (typeof hay === 'string') return toHex(utf8(hay)).includes(toHex(needle))
  if (typeof hay === 'object' && hay !== null) return Object.values(hay).some((v) => holds(v, needle))
  return false
}
const assertNothingPlain = (raw: Map<string, unknown>, secret: Uint8Array) => {
  for (const [k, v] of raw) {
    assert.ok(!holds(v, secret), `plaintext secret at ${k}`)
    assert.ok(!holds(v, utf8(PHRASE.slice(0, 2).join(' '))), `plaintext phrase at ${k}`)
    for (const w of PHRASE) assert.ok(!holds(v, utf8(w)), `phrase word ${w} at ${k}`)
    assert.ok(!holds(v, utf8(PIN)), `the PIN at ${k}`)
  }
}

const signs = async (vault: ReturnType<typeof createVault>, publicKey: Uint8Array) => {
  const msg = utf8('pay 1 WATT')
  return verifySync(publicKey, msg, await vault.withSigner((s) => s.sign(msg)))
}

/** The documented scheme, rebuilt with node:crypto: AES-256-GCM, tag last, AAD `address|kind`. */
const openWith = (key: Uint8Array, sealed: { iv: Uint8Array; data: Uint8Array }, aad: string) => {
  const d = createDecipheriv('aes-256-gcm', key, sealed.iv)
  d.setAAD(utf8(aad))
  d.setAuthTag(sealed.data.subarray(-16))
  return new Uint8Array(Buffer.concat([d.update(sealed.data.subarray(0, -16)), d.final()]))
}

test('PIN lock: only sealed bytes at rest, and they open with PBKDF2-SHA256 of the PIN', async () => {
  const { kv, vault, secret, address, account } = setup()
  const info = await vault.save({ ...account, phrase: PHRASE, confirmPositions: [1, 3, 9] })
  assert.deepEqual([info.lock, info.locked, info.backedUp], ['pin', false, false])
  assertNothingPlain(kv.raw, secret)
  assert.equal(kv.raw.has('wrap-key'), false, 'no stored key can open a PIN wallet')
  const rec = kv.raw.get('account') as {
    lock: { salt: Uint8Array; iterations: number }
    secret: never
    phrase: never
  }
  assert.equal(rec.lock.iterations, ITERATIONS)
  const key = pbkdf2Sync(utf8(PIN), rec.lock.salt, ITERATIONS, 32, 'sha256')
  assert.equal(toHex(openWith(key, rec.secret, `${address}|pin`)), toHex(secret))
  assert.equal(new TextDecoder().decode(openWith(key, rec.phrase, `${address}|pin`)), PHRASE.join(' '))
})

test('the default PIN cost is 600,000 PBKDF2 iterations', async () => {
  const { kv, account } = setup(40)
  await createVault(kv, crypto.subtle, (n) => new Uint8Array(n)).save(account)
  assert.equal((kv.raw.get('account') as { lock: { iterations: number } }).lock.iterations, 600_000)
})

test('a new session starts locked; a wrong PIN is a typed error and changes nothing; the right one signs', async () => {
  const { kv, vault, reload, publicKey, account } = setup(23)
  await vault.save(account)
  assert.equal(await signs(vault, publicKey), true, 'unlocked right after creation')
  const next = reload()
  assert.equal((await next.load())?.locked, true)
  assert.equal(await codeOf(next.withSigner(async () => 1)), 'wallet_locked')
  const before = structuredClone([...kv.raw])
  assert.equal(await codeOf(next.unlock({ pin: '482916' })), 'wrong_pin')
  assert.equal(await codeOf(next.unlock({ pin: '48291' })), 'bad_pin:too_short')
  assert.equal(await codeOf(next.unlock({ prf: new Uint8Array(32) })), 'lock_mismatch')
  assert.deepEqual([...kv.raw], before)
  assert.equal((await next.load())?.locked, true)
  assert.equal((await next.unlock({ pin: PIN })).locked, false)
  assert.equal(await signs(next, publicKey), true)
  assert.equal((await next.lock()).locked, true)
  assert.equal(await codeOf(next.withSigner(async () => 1)), 'wallet_locked')
  assert.equal(await codeOf(next.confirmBackup({})), 'ok', 'a backed-up wallet has nothing to confirm')
})

test('passkey lock: the PRF output opens it (HKDF-SHA256), another output or a PIN does not', async () => {
  const { kv, vault, reload, secret, publicKey, address, account } = setup(25)
  const passkey = {
    credentialId: utf8('cred-1'),
    salt: createRng(126).bytes(32),
    prf: createRng(127).bytes(32),
  }
  const info = await vault.save({ ...account, phrase: PHRASE, confirmPositions: [2], lock: { passkey } })
  assert.equal(info.lock, 'passkey')
  assert.deepEqual(info.passkey, { credentialId: passkey.credentialId, salt: passkey.salt })
  assertNothingPlain(kv.raw, secret)
  assert.ok(!holds(kv.raw.get('account'), passkey.prf), 'the PRF output is never stored')
  const rec = kv.raw.get('account') as { secret: never }
  const key = new Uint8Array(hkdfSync('sha256', passkey.prf, passkey.salt, 'watt-wallet-passkey/1', 32))
  assert.equal(toHex(openWith(key, rec.secret, `${address}|passkey`)), toHex(secret))

  const next = reload()
  assert.equal(await codeOf(next.unlock({ prf: createRng(128).bytes(32) })), 'wrong_passkey')
  assert.equal(await codeOf(next.unlock({ prf: new Uint8Array(5) })), 'bad_params')
  assert.equal(await codeOf(next.unlock({ pin: PIN })), 'lock_mismatch')
  await next.unlock({ prf: passkey.prf })
  assert.equal(await signs(next, publicKey), true)
})

test('an old record (device lock) keeps working, and setting a PIN re-seals it and drops the stored key', async () => {
  const { kv, reload, secret, publicKey, address } = setup(30)
  // the format before PINs, written here by hand: AES-GCM under a stored key, AAD = the address
  const wrap = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ])
  const ivs = createRng(31)
  const sealOld = async (plain: Uint8Array) => {
    const iv = ivs.bytes(12)
    const params = { name: 'AES-GCM', iv, additionalData: utf8(address) }
    return { iv, data: new Uint8Array(await crypto.subtle.encrypt(params, wrap, new Uint8Array(plain))) }
  }
  kv.raw.set('wrap-key', wrap)
  kv.raw.set('account', {
    v: 1,
    address,
    publicKey,
    secret: await sealOld(secret),
    phrase: await sealOld(utf8(PHRASE.join(' '))),
    confirmPositions: [4, 24],
  })
  const old = reload()
  const info = await old.load()
  assert.deepEqual([info?.lock, info?.locked, info?.backedUp], ['device', false, false])
  assert.equal(await signs(old, publicKey), true)
  assert.equal(await codeOf(old.unlock({ pin: PIN })), 'ok', 'nothing to unlock')

  assert.equal(await codeOf(old.relock({ pin: '123' })), 'bad_pin:too_short')
  assert.equal(kv.raw.has('wrap-key'), true, 'a refused PIN changes nothing')
  assert.equal((await old.relock({ pin: PIN })).lock, 'pin')
  assert.equal(kv.raw.has('wrap-key'), false)
  assertNothingPlain(kv.raw, secret)
  const next = reload()
  assert.equal(await codeOf(next.confirmBackup({ 4: PHRASE[3]!, 24: PHRASE[23]! })), 'wallet_locked')
  await next.unlock({ pin: PIN })
  assert.equal(await signs(next, publicKey), true)
  assert.equal(await next.confirmBackup({ 4: PHRASE[3]!, 24: PHRASE[23]! }), true, 'the phrase survived')
})

test('a sealed secret moved under another address or another lock kind fails to open', async () => {
  const { kv, vault, reload, account } = setup(33)
  await vault.save(account)
  const rec = kv.raw.get('account') as Record<string, unknown> & { lock: Record<string, unknown> }
  const other = addressOf(nobleSigner(createRng(134).bytes(32)).publicKey)
  kv.raw.set('account', { ...rec, address: other })
  assert.equal(await codeOf(reload().unlock({ pin: PIN })), 'wrong_pin')
  kv.raw.set('account', { ...rec, lock: { kind: 'passkey', credentialId: utf8('x'), salt: rec.lock.salt } })
  assert.equal(await codeOf(reload().unlock({ prf: new Uint8Array(32) })), 'wrong_passkey')
})

test('backup confirmation: wrong words keep the phrase, right words forget it', async () => {
  const { kv, vault, account } = setup(35)
  let info = await vault.save({ ...account, phrase: PHRASE, confirmPositions: [2, 9, 24] })
  assert.equal(info.backedUp, false)
  assert.equal(await vault.confirmBackup({ 2: PHRASE[1]!, 9: PHRASE[8]!, 24: 'wrong' }), false)
  assert.equal(await vault.confirmBackup({ 2: PHRASE[1]!, 9: PHRASE[8]! }), false)
  assert.equal((await vault.load())?.backedUp, false)
  assert.equal(
    await vault.confirmBackup({ 2: ` ${PHRASE[1]!.toUpperCase()} `, 9: PHRASE[8]!, 24: PHRASE[23]! }),
    true,
  )
  info = (await vault.load())!
  assert.equal(info.backedUp, true)
  assert.equal((kv.raw.get('account') as { phrase?: unknown }).phrase, undefined)
})
