// Ed25519 through @noble/curves: pure JS, the fallback where WebCrypto Ed25519 is missing, and
// the implementation Node tests and the simulator use. Key material is passed in: randomness
// comes from the caller (a port), never from here.
import { ed25519 } from '@noble/curves/ed25519.js'
import type { PublicKey, Signature, Signer, Verifier, VerifyItem } from './signer.ts'

export const nobleSigner = (secretKey: Uint8Array): Signer & { signSync(m: Uint8Array): Signature } => {
  if (secretKey.length !== 32) throw new TypeError('ed25519 secret key must be 32 bytes')
  const publicKey = ed25519.getPublicKey(secretKey) as PublicKey
  const signSync = (m: Uint8Array) => ed25519.sign(m, secretKey) as Signature
  return { publicKey, signSync, sign: async (m) => signSync(m) }
}

export const verifySync = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  try {
    return ed25519.verify(signature, message, publicKey)
  } catch {
    return false
  }
}

export const nobleVerifier: Verifier = {
  verify: async (pk, m, s) => verifySync(pk, m, s),
  verifyBatch: async (items: readonly VerifyItem[]) =>
    items.map((i) => verifySync(i.publicKey, i.message, i.signature)),
}
