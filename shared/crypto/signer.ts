// The one signing/verification interface of the protocol core. Implementations: noble (here,
// pure JS, sync-capable) and WebCrypto (worker/, fast, async). Verification is batched so a
// WebCrypto implementation can keep many verifications in flight.
import type { Brand } from '../util/brand.ts'

/** A raw 32-byte Ed25519 public key. */
export type PublicKey = Brand<Uint8Array, 'PublicKey'>
export type Signature = Brand<Uint8Array, 'Signature'>

export interface Signer {
  readonly publicKey: PublicKey
  sign(message: Uint8Array): Promise<Signature>
}

export interface VerifyItem {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

export interface Verifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
  /** Verifies many at once; results are in input order. */
  verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]>
}
