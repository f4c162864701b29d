// The node identity: one Ed25519 key per browser profile, created once and kept in IndexedDB
// (`watt-node`). It is the libp2p peer key and signs the node's gossip and SCP envelopes. It must
// work unattended (a headless validator, a pinned tab restarting), so no PIN guards it: the key is
// sealed with AES-GCM under a non-extractable CryptoKey kept beside it (worker/crypto/aes-seal.ts).
// An older profile's plaintext record is sealed, and the plaintext overwritten, on first load.
// The same module installs a devnet enrollment's key, from the first tab's `core.boot`, before the
// identity is loaded (boot-gate.ts).
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { openDB } from 'idb'
import type { PublicKey, Signature, Signer } from '../../shared/crypto/signer.ts'
import type { PeerIdString } from '../../shared/net/peer-id.ts'
import { bytesEqual, concatBytes, utf8 } from '../../shared/util/bytes.ts'
import { err, fail, ok, type Result, type WattError } from '../../shared/util/errors.ts'
import { isSealed, newWrapKey, type Sealed, seal, unseal } from '../crypto/aes-seal.ts'

export interface NodeIdentity {
  readonly peerId: PeerIdString
  readonly privateKeyBytes: Uint8Array
  readonly signer: Signer
}

/** The store port: one IndexedDB object store in the browser, a Map in tests. */
export interface IdentityStore {
  get(key: string): Promise<unknown>
  /** In one transaction: writes `value` if `when(current)` holds. Returns what is stored afterwards. */
  putIf(key: string, value: unknown, when: (current: unknown) => boolean): Promise<unknown>
}

export interface IdentityDeps {
  readonly store: IdentityStore
  readonly subtle: SubtleCrypto
  readonly random: (n: number) => Uint8Array
}

/** The record at rest: the public key in clear (to compare enrolled keys), the libp2p protobuf sealed. */
interface SealedNodeKey extends Sealed {
  readonly v: 2
  readonly publicKey: Uint8Array
}

export type InstallError = WattError<'bad_node_key' | 'node_key_corrupt' | 'other_node_key'>

const KEY = 'node-key'
const WRAP_KEY = 'node-wrap-key'

const isSealedNodeKey = (x: unknown): x is SealedNodeKey =>
  isSealed(x) && (x as SealedNodeKey).v === 2 && (x as SealedNodeKey).publicKey instanceof Uint8Array
const aadOf = (publicKey: Uint8Array) => concatBytes(utf8('watt-node-key:'), publicKey)
const absent = (current: unknown) => current === undefined
const parseKey = (protobuf: Uint8Array): PrivateKey | undefined => {
  try {
    return privateKeyFromProtobuf(protobuf)
  } catch {
    return undefined
  }
}

const wrapKey = async ({ store, subtle }: IdentityDeps): Promise<CryptoKey> => {
  const existing = await store.get(WRAP_KEY)
  if (existing instanceof CryptoKey) return existing
  // generateKey awaits WebCrypto, which would end an IndexedDB transaction: make it first
  return (await store.putIf(WRAP_KEY, await newWrapKey(subtle), absent)) as CryptoKey
}

const sealKey = async (d: IdentityDeps, key: PrivateKey): Promise<SealedNodeKey> => {
  const publicKey = key.publicKey.raw
  const s = await seal(d.subtle, await wrapKey(d), privateKeyToProtobuf(key), aadOf(publicKey), d.random)
  return { v: 2, publicKey, ...s }
}

const openKey = async (d: IdentityDeps, rec: SealedNodeKey): Promise<PrivateKey> => {
  const plain = await unseal(d.subtle, await wrapKey(d), rec, aadOf(rec.publicKey))
  return (plain && parseKey(plain)) ?? fail('node_key_corrupt')
}

/** The stored record, sealing a plaintext one (an older profile's) in place first. */
const storedRecord = async (d: IdentityDeps): Promise<unknown> => {
  const current = await d.store.get(KEY)
  if (!(current instanceof Uint8Array)) return current
  const sealed = await sealKey(d, parseKey(current) ?? fail('node_key_corrupt'))
  return d.store.putIf(KEY, sealed, (now) => now instanceof Uint8Array && bytesEqual(now, current))
}

const toIdentity = (key: PrivateKey): NodeIdentity => ({
  peerId: peerIdFromPrivateKey(key).toString() as PeerIdString,
  privateKeyBytes: privateKeyToProtobuf(key),
  signer: {
    publicKey: key.publicKey.raw as PublicKey,
    sign: async (m) => (await key.sign(m)) as Signature,
  },
})

/** This profile's identity; a fresh key the first time, written only if no other writer got there first. */
export const loadOrCreateNodeIdentity = async (d: IdentityDeps): Promise<NodeIdentity> => {
  const current = await storedRecord(d)
  if (isSealedNodeKey(current)) return toIdentity(await openKey(d, current))
  if (current !== undefined) return fail('node_key_corrupt')
  const fresh = await sealKey(d, await generateKeyPair('Ed25519'))
  const stored = await d.store.putIf(KEY, fresh, absent)
  return isSealedNodeKey(stored) ? toIdentity(await openKey(d, stored)) : fail('node_key_corrupt')
}

/**
 * Makes `protobuf` (a libp2p private key) this profile's node key (an enrollment, boot-gate.ts).
 * Refuses to replace a different existing key (`other_node_key`): that would silently turn one
 * node into another. Installing the key the profile already has is fine.
 */
export const installNodeKey = async (
  d: IdentityDeps,
  protobuf: Uint8Array,
): Promise<Result<true, InstallError>> => {
  const key = parseKey(protobuf)
  if (!key) return err({ code: 'bad_node_key' })
  const current = await storedRecord(d)
  const stored = current === undefined ? await d.store.putIf(KEY, await sealKey(d, key), absent) : current
  if (!isSealedNodeKey(stored)) return err({ code: 'node_key_corrupt' })
  return bytesEqual(stored.publicKey, key.publicKey.raw) ? ok(true) : err({ code: 'other_node_key' })
}

/** The IndexedDB binding: database `watt-node`, object store `identity`, opened for one job. */
export const withIdentityStore = async <T>(job: (d: IdentityDeps) => Promise<T>): Promise<T> => {
  const db = await openDB('watt-node', 1, {
    upgrade(u) {
      u.createObjectStore('identity')
    },
  })
  const store: IdentityStore = {
    get: (key) => db.get('identity', key),
    async putIf(key, value, when) {
      const tx = db.transaction('identity', 'readwrite')
      const current: unknown = await tx.store.get(key)
      const write = when(current)
      if (write) await tx.store.put(value, key)
      await tx.done
      return write ? value : current
    },
  }
  try {
    return await job({
      store,
      subtle: crypto.subtle,
      random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    })
  } finally {
    db.close()
  }
}

export const loadOrCreateIdentity = (): Promise<NodeIdentity> => withIdentityStore(loadOrCreateNodeIdentity)
