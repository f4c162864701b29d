// Node's native Ed25519 (OpenSSL) behind the Signer/Verifier ports: fast keys for tests and benches.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import { nobleSigner } from '../../crypto/noble.ts'
import type { PublicKey, Signature, Signer, Verifier } from '../../crypto/signer.ts'
import { concatBytes, fromHex, toHex } from '../../util/bytes.ts'

const SPKI_PREFIX = fromHex('302a300506032b6570032100')
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')
const keyCache = new Map<string, KeyObject>()

const keyObjectOf = (pk: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, pk)), format: 'der', type: 'spki' })

const cachedKeyObject = (pk: Uint8Array): KeyObject => {
  const hex = toHex(pk)
  let k = keyCache.get(hex)
  if (!k) {
    k = keyObjectOf(pk)
    if (keyCache.size > 10_000) keyCache.clear()
    keyCache.set(hex, k)
  }
  return k
}

const verifyWith =
  (keyOf: (pk: Uint8Array) => KeyObject) =>
  (pk: Uint8Array, m: Uint8Array, s: Uint8Array): boolean => {
    if (pk.length !== 32 || s.length !== 64) return false
    try {
      return verify(null, m, keyOf(pk), s)
    } catch {
      return false
    }
  }

export const nodeVerifySync = verifyWith(cachedKeyObject)

const verifierOf = (one: (pk: Uint8Array, m: Uint8Array, s: Uint8Array) => boolean): Verifier => ({
  verify: async (pk, m, s) => one(pk, m, s),
  verifyBatch: async (items) => items.map((i) => one(i.publicKey, i.message, i.signature)),
})

export const nodeVerifier: Verifier = verifierOf(nodeVerifySync)

/** Without the key cache: for runs over many random keys (the fuzzer), where a filling cache reads as a leak. */
export const uncachedNodeVerifier: Verifier = verifierOf(verifyWith(keyObjectOf))

export const nodeSigner = (secretKey: Uint8Array): Signer => {
  const key = createPrivateKey({
    key: Buffer.from(concatBytes(PKCS8_PREFIX, secretKey)),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = nobleSigner(secretKey).publicKey as PublicKey
  return { publicKey, sign: async (m) => new Uint8Array(sign(null, m, key)) as Signature }
}
