// AES-GCM-256 sealing of keys at rest, shared by the node identity and the wallet vault: a fresh
// 12-byte IV per seal and authenticated data that binds the sealed bytes to their owner (an
// address, a public key), so a sealed value moved under another owner fails to open.
export interface Sealed {
  readonly iv: Uint8Array
  readonly data: Uint8Array
}

const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)

export const isSealed = (x: unknown): x is Sealed =>
  typeof x === 'object' &&
  x !== null &&
  (x as Sealed).iv instanceof Uint8Array &&
  (x as Sealed).iv.length === 12 &&
  (x as Sealed).data instanceof Uint8Array

/** A wrapping key no script can read the bytes of; IndexedDB stores it by structured clone. */
export const newWrapKey = (subtle: SubtleCrypto): Promise<CryptoKey> =>
  subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])

export const seal = async (
  subtle: SubtleCrypto,
  key: CryptoKey,
  plain: Uint8Array,
  aad: Uint8Array,
  random: (n: number) => Uint8Array,
): Promise<Sealed> => {
  const iv = random(12)
  const params = { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad) }
  return { iv, data: new Uint8Array(await subtle.encrypt(params, key, buf(plain))) }
}

/** The plaintext, or undefined when the key or the authenticated data is not the one it was sealed with. */
export const unseal = async (
  subtle: SubtleCrypto,
  key: CryptoKey,
  s: Sealed,
  aad: Uint8Array,
): Promise<Uint8Array | undefined> => {
  const params = { name: 'AES-GCM', iv: buf(s.iv), additionalData: buf(aad) }
  try {
    return new Uint8Array(await subtle.decrypt(params, key, buf(s.data)))
  } catch {
    return undefined
  }
}
