// A software WebAuthn authenticator for tests, independent of the product's code: node:crypto
// P-256 keys and DER signatures, authenticatorData and clientDataJSON built byte by byte as the
// WebAuthn spec lays them out (rpIdHash 32 | flags 1 | signCount 4 big-endian).
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'

export interface SoftPasskey {
  readonly credentialId: Uint8Array
  /** Uncompressed SEC1 point (0x04 || x || y), the last 65 bytes of the SPKI. */
  readonly publicKey: Uint8Array
  readonly privateKey: KeyObject
}

export const softPasskey = (): SoftPasskey => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ format: 'der', type: 'spki' })
  return {
    credentialId: new Uint8Array(randomBytes(16)),
    publicKey: new Uint8Array(spki.subarray(spki.length - 65)),
    privateKey,
  }
}

const sha = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest()

export interface AssertionOptions {
  /** The challenge text (the product's format is `WATT presence v1|<network>|<day>|<account>`). */
  readonly challenge: string
  readonly origin?: string
  readonly rpId?: string
  readonly type?: string
  /** Flags byte; default UP | UV (0x05). */
  readonly flags?: number
  readonly signCount?: number
  /** Sign with another key than the passkey's. */
  readonly signWith?: KeyObject
  readonly crossOrigin?: boolean
}

/** An assertion as navigator.credentials.get returns it, made by hand. */
export const makeAssertion = (k: SoftPasskey, o: AssertionOptions) => {
  const authenticatorData = Buffer.alloc(37)
  sha(o.rpId ?? 'localhost').copy(authenticatorData, 0)
  authenticatorData[32] = o.flags ?? 0x05
  authenticatorData.writeUInt32BE(o.signCount ?? 0, 33)
  const client: Record<string, unknown> = {
    type: o.type ?? 'webauthn.get',
    challenge: Buffer.from(o.challenge, 'utf8').toString('base64url'),
    origin: o.origin ?? 'http://localhost:5173',
  }
  if (o.crossOrigin !== undefined) client.crossOrigin = o.crossOrigin
  const clientDataJSON = Buffer.from(JSON.stringify(client), 'utf8')
  const signature = sign(
    'sha256',
    Buffer.concat([authenticatorData, sha(clientDataJSON)]),
    o.signWith ?? k.privateKey,
  )
  return {
    kind: 'passkey' as const,
    credentialId: k.credentialId,
    authenticatorData: new Uint8Array(authenticatorData),
    clientDataJSON: new Uint8Array(clientDataJSON),
    signature: new Uint8Array(signature),
  }
}
