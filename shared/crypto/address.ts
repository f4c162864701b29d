// Printable account and node addresses: 'W' + base32(publicKey || checksum). The 3-byte checksum is
// sha256('WATT-address' || publicKey)[0..3], so a mistyped character is caught (a random error slips
// through with probability 2^-24). 35 bytes encode to exactly 56 base32 characters: 57 in all.
import { sha256Small as sha256 } from '../util/sha256.ts'
import type { Brand } from '../util/brand.ts'
import { concatBytes, utf8 } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { PublicKey } from './signer.ts'

export type Address = Brand<string, 'Address'>

export const ADDRESS_PREFIX = 'W'
export const ADDRESS_LENGTH = 57
const KEY_BYTES = 32
const CHECKSUM_BYTES = 3
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const DOMAIN = utf8('WATT-address')

export type AddressProblem = 'bad_prefix' | 'bad_length' | 'bad_character' | 'bad_checksum'
export type AddressError = WattError<'bad_address'> & { readonly reason: AddressProblem }

const checksum = (key: Uint8Array): Uint8Array => sha256(concatBytes(DOMAIN, key)).subarray(0, CHECKSUM_BYTES)

const base32 = (bytes: Uint8Array): string => {
  let out = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(acc >>> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31]
  return out
}

/** Decodes base32 of exactly 56 characters to 35 bytes, or undefined on a foreign character. */
const unbase32 = (s: string): Uint8Array | undefined => {
  const out = new Uint8Array((s.length * 5) >>> 3)
  let acc = 0
  let bits = 0
  let n = 0
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch)
    if (v < 0) return undefined
    acc = ((acc << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[n++] = (acc >>> bits) & 0xff
    }
  }
  return out
}

export const addressOf = (publicKey: Uint8Array): Address => {
  if (publicKey.length !== KEY_BYTES) throw new TypeError('an address needs a 32-byte Ed25519 public key')
  return (ADDRESS_PREFIX + base32(concatBytes(publicKey, checksum(publicKey)))) as Address
}

const bad = (reason: AddressProblem): { ok: false; error: AddressError } =>
  err(wattError('bad_address', { reason }) as AddressError)

/** Parses a printed address (case-insensitive, surrounding spaces ignored) back to its public key. */
export const parseAddress = (input: string): Result<PublicKey, AddressError> => {
  const s = input.trim().toUpperCase()
  if (!s.startsWith(ADDRESS_PREFIX)) return bad('bad_prefix')
  if (s.length !== ADDRESS_LENGTH) return bad('bad_length')
  const raw = unbase32(s.slice(1))
  if (raw === undefined) return bad('bad_character')
  const key = raw.slice(0, KEY_BYTES)
  const sum = checksum(key)
  for (let i = 0; i < CHECKSUM_BYTES; i++) if (raw[KEY_BYTES + i] !== sum[i]) return bad('bad_checksum')
  return ok(key as PublicKey)
}

export const isAddress = (s: unknown): s is Address =>
  typeof s === 'string' && s.length === ADDRESS_LENGTH && s === s.toUpperCase() && parseAddress(s).ok
