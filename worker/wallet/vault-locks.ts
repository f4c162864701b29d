// How the wallet's wrapping key is made: from something the user knows (a PIN, PBKDF2-SHA256 with
// many iterations) or has (a passkey: the WebAuthn PRF extension's output, through HKDF-SHA256).
// The key is derived again at each unlock and never stored; the record keeps only the salt and
// the parameters. The weaker `device` lock (a non-extractable key stored beside the record, the
// only scheme before) remains for old records until their user chooses a PIN or a passkey.
import { utf8 } from '../../shared/util/bytes.ts'
import { fail } from '../../shared/util/errors.ts'

export type LockKind = 'pin' | 'passkey' | 'device'

/** A passkey's part of a lock: its credential id, the PRF input (salt) and the PRF output. */
export interface PasskeyLock {
  readonly credentialId: Uint8Array
  readonly salt: Uint8Array
  readonly prf: Uint8Array
}

/** What the user chooses when creating, restoring or re-protecting a wallet. */
export type NewLock = { readonly pin: string } | { readonly passkey: PasskeyLock }
/** What the user gives to unlock: the PIN, or the passkey's PRF output for the stored salt. */
export type UnlockWith = { readonly pin: string } | { readonly prf: Uint8Array }

/** What a record says about its lock: nothing secret. */
export type StoredLock =
  | { readonly kind: 'pin'; readonly salt: Uint8Array; readonly iterations: number }
  | { readonly kind: 'passkey'; readonly credentialId: Uint8Array; readonly salt: Uint8Array }

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.12 s a try on one core here (Node 24). */
export const PIN_ITERATIONS = 600_000
export const MIN_PIN = 6
export const MAX_PIN = 64
const PRF_BYTES = 32

const AES = { name: 'AES-GCM', length: 256 } as const
const USES: KeyUsage[] = ['encrypt', 'decrypt']
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)

/** Normalized so that the same PIN typed on another keyboard gives the same key. */
const pinBytes = (pin: string): Uint8Array => utf8(pin.normalize('NFKC'))

export const checkPin = (pin: string): void => {
  const n = [...pin.normalize('NFKC')].length
  if (n < MIN_PIN) fail('bad_pin', { reason: 'too_short', min: MIN_PIN })
  if (n > MAX_PIN) fail('bad_pin', { reason: 'too_long', max: MAX_PIN })
}

const pinKey = async (subtle: SubtleCrypto, pin: string, salt: Uint8Array, iterations: number) => {
  const base = await subtle.importKey('raw', buf(pinBytes(pin)), 'PBKDF2', false, ['deriveKey'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations }
  return subtle.deriveKey(params, base, AES, false, USES)
}

const prfKey = async (subtle: SubtleCrypto, prf: Uint8Array, salt: Uint8Array) => {
  if (prf.length !== PRF_BYTES) fail('bad_params', { field: 'prf' })
  const base = await subtle.importKey('raw', buf(prf), 'HKDF', false, ['deriveKey'])
  const params = { name: 'HKDF', hash: 'SHA-256', salt: buf(salt), info: buf(utf8('watt-wallet-passkey/1')) }
  return subtle.deriveKey(params, base, AES, false, USES)
}

/** A new lock: what the record keeps, and the wrapping key for this session. */
export const makeLock = async (
  subtle: SubtleCrypto,
  random: (n: number) => Uint8Array,
  lock: NewLock,
  iterations: number,
): Promise<{ stored: StoredLock; key: CryptoKey }> => {
  if ('pin' in lock) {
    checkPin(lock.pin)
    const salt = random(16)
    return {
      stored: { kind: 'pin', salt, iterations },
      key: await pinKey(subtle, lock.pin, salt, iterations),
    }
  }
  const { credentialId, salt, prf } = lock.passkey
  return { stored: { kind: 'passkey', credentialId, salt }, key: await prfKey(subtle, prf, salt) }
}

/** The wrapping key `stored` was made with, if `given` is the right kind; whether it is right shows on opening. */
export const lockKey = (subtle: SubtleCrypto, stored: StoredLock, given: UnlockWith): Promise<CryptoKey> => {
  if (stored.kind === 'pin' && 'pin' in given)
    return pinKey(subtle, given.pin, stored.salt, stored.iterations)
  if (stored.kind === 'passkey' && 'prf' in given) return prfKey(subtle, given.prf, stored.salt)
  return fail('lock_mismatch', { expected: stored.kind })
}

/**
 * Authenticated data of a sealed value: its owner's address and, for the user locks, the lock kind
 * (relabelling a record's lock makes it fail to open). The device lock keeps its first format.
 */
export const aadFor = (address: string, kind: LockKind): Uint8Array =>
  utf8(kind === 'device' ? address : `${address}|${kind}`)
