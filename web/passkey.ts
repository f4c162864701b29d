// Passkeys for the page: WebAuthn (`navigator.credentials`) exists only in pages, not in the
// SharedWorker, so the page runs the ceremony and hands the result to the core over RPC. The wallet
// uses the PRF extension (CTAP2 hmac-secret): a passkey's secret PRF output at a salt, which the
// core turns into the wallet's wrapping key. One small module so that other uses (presence proofs)
// share the same calls. Every failure is a typed error, never an exception.
import { err, ok, type Result, type WattError } from '../shared/util/errors.ts'

export interface PasskeyPrf {
  readonly credentialId: Uint8Array
  /** The PRF input, kept by the core beside the sealed secret (not secret itself). */
  readonly salt: Uint8Array
  /** The PRF output at `salt`: secret, handed to the core and forgotten by the page. */
  readonly prf: Uint8Array
}

export type PasskeyError = WattError<
  'passkey_unavailable' | 'passkey_cancelled' | 'passkey_no_prf' | 'passkey_failed'
>

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const bytes = (b: BufferSource): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

/** WebAuthn needs a browser that has it, a secure context (HTTPS, or localhost) and a domain name, not an IP address. */
export const passkeysAvailable = (): boolean =>
  isSecureContext &&
  typeof PublicKeyCredential !== 'undefined' &&
  navigator.credentials !== undefined &&
  !/^[\d.]+$|^\[/.test(location.hostname)

/** Runs one WebAuthn call; a closed or timed-out prompt is `passkey_cancelled`. */
const ceremony = async (
  run: () => Promise<Credential | null>,
): Promise<Result<PublicKeyCredential, PasskeyError>> => {
  if (!passkeysAvailable()) return err({ code: 'passkey_unavailable' })
  try {
    const c = await run()
    return c instanceof PublicKeyCredential ? ok(c) : err({ code: 'passkey_failed' })
  } catch (e) {
    const name = e instanceof DOMException ? e.name : 'Error'
    return err({ code: name === 'NotAllowedError' ? 'passkey_cancelled' : 'passkey_failed', name })
  }
}

/** The PRF output of `credentialId` at `salt`; the user confirms with a fingerprint, face or device PIN. */
export const passkeyPrf = async (
  credentialId: Uint8Array,
  salt: Uint8Array,
): Promise<Result<Uint8Array, PasskeyError>> => {
  const r = await ceremony(() =>
    navigator.credentials.get({
      publicKey: {
        challenge: random(32),
        allowCredentials: [{ type: 'public-key', id: new Uint8Array(credentialId) }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: new Uint8Array(salt) } } },
      },
    }),
  )
  if (!r.ok) return r
  const first = r.value.getClientExtensionResults().prf?.results?.first
  return first ? ok(bytes(first)) : err({ code: 'passkey_no_prf' })
}

/** Makes a new passkey on this device and its PRF output at a fresh salt (a second prompt if needed). */
export const createPasskey = async (label: string): Promise<Result<PasskeyPrf, PasskeyError>> => {
  const salt = random(32)
  const r = await ceremony(() =>
    navigator.credentials.create({
      publicKey: {
        rp: { name: 'WATT' },
        user: { id: random(16), name: label, displayName: label },
        challenge: random(32),
        pubKeyCredParams: [-8, -7, -257].map((alg) => ({ type: 'public-key' as const, alg })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        extensions: { prf: { eval: { first: salt } } },
      },
    }),
  )
  if (!r.ok) return r
  const credentialId = new Uint8Array(r.value.rawId)
  const prf = r.value.getClientExtensionResults().prf
  if (prf?.results?.first) return ok({ credentialId, salt, prf: bytes(prf.results.first) })
  if (prf?.enabled !== true) return err({ code: 'passkey_no_prf' })
  const later = await passkeyPrf(credentialId, salt)
  return later.ok ? ok({ credentialId, salt, prf: later.value }) : later
}

/** A passkey made for presence: its credential id and SEC1 P-256 public key, for the ledger. */
export interface PresencePasskey {
  readonly credentialId: Uint8Array
  readonly publicKey: Uint8Array
}

/** A WebAuthn assertion as the checkIn operation carries it (shared/mining/webauthn.ts). */
export interface PresenceAssertion {
  readonly kind: 'passkey'
  readonly credentialId: Uint8Array
  readonly authenticatorData: Uint8Array
  readonly clientDataJSON: Uint8Array
  readonly signature: Uint8Array
}

/** The uncompressed point (0x04 || x || y) is the last 65 bytes of a P-256 SubjectPublicKeyInfo. */
const P256_POINT_BYTES = 65

/** Makes a device passkey (ES256, user verification required) whose key the ledger will know. */
export const createPresencePasskey = async (
  label: string,
): Promise<Result<PresencePasskey, PasskeyError>> => {
  const r = await ceremony(() =>
    navigator.credentials.create({
      publicKey: {
        rp: { name: 'WATT' },
        user: { id: random(16), name: label, displayName: label },
        challenge: random(32),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      },
    }),
  )
  if (!r.ok) return r
  const response = r.value.response as AuthenticatorAttestationResponse
  const spki = response.getPublicKey?.()
  if (!spki || response.getPublicKeyAlgorithm?.() !== -7)
    return err({ code: 'passkey_failed', reason: 'not_es256' })
  const publicKey = new Uint8Array(spki).slice(-P256_POINT_BYTES)
  return ok({ credentialId: new Uint8Array(r.value.rawId), publicKey })
}

/** Signs a check-in's challenge with a passkey (the given one, or any of this site's). */
export const presenceAssertion = async (
  challenge: Uint8Array,
  credentialId?: Uint8Array,
): Promise<Result<PresenceAssertion, PasskeyError>> => {
  const r = await ceremony(() =>
    navigator.credentials.get({
      publicKey: {
        challenge: new Uint8Array(challenge),
        ...(credentialId
          ? { allowCredentials: [{ type: 'public-key', id: new Uint8Array(credentialId) }] }
          : {}),
        userVerification: 'required',
      },
    }),
  )
  if (!r.ok) return r
  const a = r.value.response as AuthenticatorAssertionResponse
  return ok({
    kind: 'passkey',
    credentialId: new Uint8Array(r.value.rawId),
    authenticatorData: new Uint8Array(a.authenticatorData),
    clientDataJSON: new Uint8Array(a.clientDataJSON),
    signature: new Uint8Array(a.signature),
  })
}
