// Simulated signatures: fast, deterministic stand-ins for Ed25519 behind the project's
// Signer/Verifier interfaces, so thousands of nodes can sign every envelope. A signature is
// sha256 over (key || message) twice over, checkable by anyone who knows the public key: it
// proves nothing cryptographically. The simulator models Byzantine nodes by explicit
// behaviours (byzantine.ts), never by forging, so integrity is all it needs.
import { sha256 } from '@noble/hashes/sha2.js'
import type { PublicKey, Signature, Signer, Verifier } from '../crypto/signer.ts'
import { bytesEqual, concatBytes } from '../util/bytes.ts'

const TAG_A = new Uint8Array([0x53, 0x49, 0x4d, 0x41])
const TAG_B = new Uint8Array([0x53, 0x49, 0x4d, 0x42])

export const simSignature = (publicKey: Uint8Array, message: Uint8Array): Signature => {
  const a = sha256(concatBytes(TAG_A, publicKey, message))
  const b = sha256(concatBytes(TAG_B, a))
  return concatBytes(a, b) as Signature
}

export const simSigner = (publicKey: Uint8Array): Signer => ({
  publicKey: publicKey as PublicKey,
  sign: async (m) => simSignature(publicKey, m),
})

// One broadcast envelope is verified by every receiver with the same signature object and an
// equal key and message: check it once (comparing bytes costs far less than two hashes).
const verified = new WeakMap<Uint8Array, { publicKey: Uint8Array; message: Uint8Array; ok: boolean }>()

export const simVerify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  const hit = verified.get(signature)
  if (
    hit !== undefined &&
    (hit.message === message || bytesEqual(hit.message, message)) &&
    bytesEqual(hit.publicKey, publicKey)
  )
    return hit.ok
  const ok =
    publicKey.length === 32 &&
    signature.length === 64 &&
    bytesEqual(simSignature(publicKey, message), signature)
  verified.set(signature, { publicKey, message, ok })
  return ok
}

export const simVerifier: Verifier = {
  verify: async (pk, m, s) => simVerify(pk, m, s),
  verifyBatch: async (items) => items.map((i) => simVerify(i.publicKey, i.message, i.signature)),
}
