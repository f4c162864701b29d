import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ed25519 } from '@noble/curves/ed25519.js'
import { toHex, utf8 } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import {
  type IdentityDeps,
  type IdentityStore,
  installNodeKey,
  loadOrCreateNodeIdentity,
} from './identity.ts'

/** A structured-cloning Map with the store port's transactional put. */
const memoryStore = (): IdentityStore & { raw: Map<string, unknown> } => {
  const raw = new Map<string, unknown>()
  return {
    raw,
    get: async (k) => structuredClone(raw.get(k)),
    putIf: async (k, v, when) => {
      if (!when(structuredClone(raw.get(k)))) return structuredClone(raw.get(k))
      raw.set(k, structuredClone(v))
      return structuredClone(v)
    },
  }
}

const deps = (seed = 1, store = memoryStore()): IdentityDeps & { store: ReturnType<typeof memoryStore> } => {
  const rng = createRng(seed)
  return { store, subtle: crypto.subtle, random: (n) => rng.bytes(n) }
}

/** The 32-byte Ed25519 seed inside a libp2p protobuf private key (the first half of its 64 raw bytes). */
const seedOf = (protobuf: Uint8Array) => protobuf.slice(-64, -32)

const holds = (hay: unknown, needle: Uint8Array): boolean => {
  if (hay instanceof Uint8Array) return toHex(hay).includes(toHex(needle))
  if (typeof hay === 'object' && hay !== null) return Object.values(hay).some((v) => holds(v, needle))
  return false
}

test('a fresh identity is stored sealed under a non-extractable key and survives a reload', async () => {
  const d = deps()
  const first = await loadOrCreateNodeIdentity(d)
  const seed = seedOf(first.privateKeyBytes)
  assert.ok(bytesOfKeyMatch(seed, first.signer.publicKey), 'the protobuf holds the signer key')
  for (const v of d.store.raw.values()) assert.ok(!holds(v, seed), 'plaintext node key at rest')
  const wrap = d.store.raw.get('node-wrap-key') as CryptoKey
  assert.equal(wrap.extractable, false)
  const again = await loadOrCreateNodeIdentity(deps(2, d.store))
  assert.equal(again.peerId, first.peerId)
  const msg = utf8('heartbeat')
  assert.ok(ed25519.verify(await again.signer.sign(msg), msg, first.signer.publicKey))
})

test("an older profile's plaintext key is sealed in place on first load, keeping the peer id", async () => {
  const key = await generateKeyPair('Ed25519')
  const plain = privateKeyToProtobuf(key)
  const d = deps(3)
  d.store.raw.set('node-key', plain)
  const id = await loadOrCreateNodeIdentity(d)
  assert.equal(id.peerId, peerIdFromPrivateKey(key).toString())
  for (const v of d.store.raw.values()) assert.ok(!holds(v, seedOf(plain)), 'plaintext left behind')
  assert.ok(!(d.store.raw.get('node-key') instanceof Uint8Array))
  assert.equal((await loadOrCreateNodeIdentity(deps(4, d.store))).peerId, id.peerId)
})

test('enrollment installs a key once, accepts the same key again and refuses a different one', async () => {
  const d = deps(5)
  const enrolled = privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  assert.deepEqual(await installNodeKey(d, enrolled), { ok: true, value: true })
  for (const v of d.store.raw.values())
    assert.ok(!holds(v, seedOf(enrolled)), 'plaintext enrolled key at rest')
  const before = structuredClone(d.store.raw.get('node-key'))
  assert.deepEqual(await installNodeKey(d, enrolled), { ok: true, value: true })
  const other = privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  assert.deepEqual(await installNodeKey(d, other), { ok: false, error: { code: 'other_node_key' } })
  assert.deepEqual(await installNodeKey(d, utf8('not a key')), { ok: false, error: { code: 'bad_node_key' } })
  assert.deepEqual(d.store.raw.get('node-key'), before, 'a refused install changes nothing')
  const id = await loadOrCreateNodeIdentity(d)
  assert.ok(bytesOfKeyMatch(seedOf(enrolled), id.signer.publicKey))
})

test('a profile that already made its own key refuses an enrolled one; a plaintext one is compared too', async () => {
  const d = deps(6)
  await loadOrCreateNodeIdentity(d)
  const enrolled = privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  assert.equal((await installNodeKey(d, enrolled)).ok, false)
  const old = deps(7)
  old.store.raw.set('node-key', enrolled)
  assert.deepEqual(await installNodeKey(old, enrolled), { ok: true, value: true })
  assert.ok(!(old.store.raw.get('node-key') instanceof Uint8Array), 'the plaintext was sealed')
})

test('a sealed key that does not open is a typed error, not a new identity', async () => {
  const d = deps(8)
  await loadOrCreateNodeIdentity(d)
  const rec = d.store.raw.get('node-key') as { data: Uint8Array }
  const data = new Uint8Array(rec.data)
  data[0]! ^= 1
  d.store.raw.set('node-key', { ...rec, data })
  await assert.rejects(
    loadOrCreateNodeIdentity(d),
    (e: unknown) => (e as { data: { code: string } }).data.code === 'node_key_corrupt',
  )
})

/** Independent check that `seed` is the Ed25519 secret of `publicKey` (noble, not libp2p). */
function bytesOfKeyMatch(seed: Uint8Array, publicKey: Uint8Array): boolean {
  return toHex(ed25519.getPublicKey(seed)) === toHex(publicKey)
}
