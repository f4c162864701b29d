// The synchronous SHA-256 used by content addressing, sealing and Merkle work. Sealing and
// Merkle trees hash millions of 64-500 byte inputs, where hash-wasm is ~2.5x faster than
// @noble/hashes (measured in docs/storage-proofs.md), so callers load it once and pass it in.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { createSHA256 } from 'hash-wasm'

/** A synchronous SHA-256: returns a fresh 32-byte digest of the concatenated parts. */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array

/** Pure-JS SHA-256, always available, no start-up cost. */
export const noble256: Sha256 = (...parts) => {
  if (parts.length === 1) return nobleSha256(parts[0]!)
  const h = nobleSha256.create()
  for (const p of parts) h.update(p)
  return h.digest()
}

/** WebAssembly SHA-256 (hash-wasm); falls back to the pure-JS one where WebAssembly is missing. */
export const loadSha256 = async (): Promise<Sha256> => {
  try {
    const hasher = await createSHA256()
    return (...parts) => {
      hasher.init()
      for (const p of parts) hasher.update(p)
      return hasher.digest('binary')
    }
  } catch {
    return noble256
  }
}
