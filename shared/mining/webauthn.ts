// WebAuthn assertions as presence proofs (docs/mining.md, "Presence"), verified by every validator
// from the operation and the ledger alone. The challenge the page asks the passkey to sign is the
// text `WATT presence v1|<network>|<day>|<account>`, so a validator can say exactly what is wrong
// with a proof made for another day or account. What is checked (WebAuthn L2, 7.2):
//   clientDataJSON: type "webauthn.get", the challenge, an origin served from an allowed rp id
//   authenticatorData: rpIdHash = sha256(that rp id), flags UP and UV set
//   signature: ES256 (ECDSA P-256 over SHA-256, DER) over authenticatorData || sha256(clientDataJSON)
// The signature counter is not checked (synced passkeys report 0).
import { p256 } from '@noble/curves/nist.js'
import { bytesEqual, concatBytes, fromUtf8, utf8 } from '../util/bytes.ts'
import { sha256Small as sha256 } from '../util/sha256.ts'

export interface PasskeyAssertion {
  readonly credentialId: Uint8Array
  readonly authenticatorData: Uint8Array
  readonly clientDataJSON: Uint8Array
  /** DER-encoded ECDSA signature, as WebAuthn returns it. */
  readonly signature: Uint8Array
}

/** Hard bounds of an assertion's fields (operation parsers check them). */
export const ASSERTION_LIMITS = {
  credentialId: [1, 256],
  authenticatorData: [37, 512],
  clientDataJSON: [32, 1024],
  signature: [8, 72],
} as const

export type AssertionCode =
  | 'presence_bad_client_data'
  | 'presence_bad_challenge'
  | 'presence_wrong_day'
  | 'presence_wrong_account'
  | 'presence_wrong_rp'
  | 'presence_no_uv'
  | 'presence_bad_signature'

export interface AssertionContext {
  readonly networkId: string
  readonly day: number
  readonly account: string
  /** The relying-party ids the genesis allows (docs/mining.md). */
  readonly rpIds: readonly string[]
  /** The registered passkey's public key, SEC1 (compressed or not). */
  readonly publicKey: Uint8Array
}

const CHALLENGE_TAG = 'WATT presence v1'
const FLAG_UP = 0x01
const FLAG_UV = 0x04

/** The bytes a check-in's passkey signs (the WebAuthn `challenge`). */
export const presenceChallenge = (networkId: string, day: number, account: string): Uint8Array =>
  utf8(`${CHALLENGE_TAG}|${networkId}|${day}|${account}`)

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Unpadded base64url, as clientDataJSON carries the challenge; undefined if not canonical. */
export const fromBase64Url = (s: string): Uint8Array | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const ch of s) {
    acc = (acc << 6) | B64URL.indexOf(ch)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 0xff)
    }
  }
  return (acc & ((1 << bits) - 1)) === 0 ? new Uint8Array(out) : undefined
}

type Failure = AssertionCode | undefined

const checkChallenge = (text: string, c: AssertionContext): Failure => {
  const raw = fromBase64Url(text)
  const parts = raw ? fromUtf8(raw).split('|') : []
  if (parts.length !== 4 || parts[0] !== CHALLENGE_TAG || parts[1] !== c.networkId)
    return 'presence_bad_challenge'
  if (parts[2] !== String(c.day)) return 'presence_wrong_day'
  if (parts[3] !== c.account) return 'presence_wrong_account'
  return undefined
}

/** The rp id the origin is served from, among the allowed ones (https, or http on localhost). */
const rpOfOrigin = (origin: string, rpIds: readonly string[]): string | undefined => {
  const m = /^(https?):\/\/([a-z0-9.-]{1,253})(?::[0-9]{1,5})?$/.exec(origin)
  if (!m) return undefined
  const [, scheme, host] = m as unknown as [string, string, string]
  if (scheme === 'http' && host !== 'localhost') return undefined
  return rpIds.find((rp) => host === rp || host.endsWith(`.${rp}`))
}

const parseClientData = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const j: unknown = JSON.parse(fromUtf8(bytes))
    return typeof j === 'object' && j !== null && !Array.isArray(j)
      ? (j as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

const signatureOk = (a: PasskeyAssertion, publicKey: Uint8Array): boolean => {
  const signed = concatBytes(a.authenticatorData, sha256(a.clientDataJSON))
  try {
    return p256.verify(a.signature, signed, publicKey, { format: 'der', lowS: false, prehash: true })
  } catch {
    return false
  }
}

/** Verifies an assertion against the check-in it is for; the first failure, or undefined. */
export const verifyAssertion = (a: PasskeyAssertion, c: AssertionContext): Failure => {
  const cd = parseClientData(a.clientDataJSON)
  if (cd?.type !== 'webauthn.get' || typeof cd.challenge !== 'string' || typeof cd.origin !== 'string')
    return 'presence_bad_client_data'
  if (cd.crossOrigin === true) return 'presence_bad_client_data'
  const challenge = checkChallenge(cd.challenge, c)
  if (challenge) return challenge
  const rp = rpOfOrigin(cd.origin, c.rpIds)
  if (rp === undefined || !bytesEqual(a.authenticatorData.subarray(0, 32), sha256(utf8(rp))))
    return 'presence_wrong_rp'
  const flags = a.authenticatorData[32]!
  if ((flags & FLAG_UP) === 0 || (flags & FLAG_UV) === 0) return 'presence_no_uv'
  return signatureOk(a, c.publicKey) ? undefined : 'presence_bad_signature'
}

/** The compressed SEC1 form of a P-256 public key, or undefined when it is not a point of the curve. */
export const normalizeP256Key = (key: Uint8Array): Uint8Array | undefined => {
  try {
    return p256.Point.fromBytes(key).toBytes(true)
  } catch {
    return undefined
  }
}
