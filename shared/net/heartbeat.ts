// The signed heartbeat every node floods on its network's heartbeat topic. It doubles as
// discovery: it carries the sender's dialable addresses so peers can open direct WebRTC links.
// Decoding is strict: anything unsigned, badly signed, oversized or malformed is a typed drop.
import { decode, encode } from '../codec/dag-cbor.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'
import { type Result, err, ok, type WattError, wattError } from '../util/errors.ts'
import { MAX_TOPIC_MESSAGE_BYTES } from './topics.ts'
import { type PeerIdString, publicKeyOfPeerId } from './peer-id.ts'

export const HEARTBEAT_VERSION = 1
const MAX_ADDRS = 8
const MAX_ADDR_LENGTH = 200

export type NodeRole = 'validator' | 'watcher'

export interface HeartbeatBody {
  readonly type: 'heartbeat'
  readonly v: number
  readonly network: string
  readonly peer: PeerIdString
  /** Strictly increasing per sender (a restart continues from a persisted counter or a larger clock). */
  readonly seq: number
  readonly addrs: readonly string[]
  readonly role: NodeRole
  readonly ledgerSeq: number
}

export interface SignedHeartbeat {
  readonly body: HeartbeatBody
  readonly sig: Uint8Array
}

export type HeartbeatDrop = 'oversized' | 'malformed' | 'unsigned' | 'bad_signature' | 'wrong_network'

export const encodeHeartbeat = async (body: HeartbeatBody, signer: Signer): Promise<Uint8Array> => {
  const sig = await signer.sign(encode(body))
  return encode({ body, sig })
}

const isStr = (x: unknown, max: number): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= max
const isU32 = (x: unknown): x is number =>
  Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 2 ** 53

export const isHeartbeatBody = (x: unknown): x is HeartbeatBody => {
  if (typeof x !== 'object' || x === null) return false
  const b = x as Record<string, unknown>
  return (
    b.type === 'heartbeat' &&
    b.v === HEARTBEAT_VERSION &&
    isStr(b.network, 32) &&
    isStr(b.peer, 64) &&
    isU32(b.seq) &&
    isU32(b.ledgerSeq) &&
    (b.role === 'validator' || b.role === 'watcher') &&
    Array.isArray(b.addrs) &&
    b.addrs.length <= MAX_ADDRS &&
    b.addrs.every((a) => isStr(a, MAX_ADDR_LENGTH))
  )
}

/** Decodes and verifies one heartbeat; the signer is the peer id inside the body. */
export const decodeHeartbeat = async (
  bytes: Uint8Array,
  network: string,
  verifier: Verifier,
): Promise<Result<HeartbeatBody, WattError<HeartbeatDrop>>> => {
  const drop = (code: HeartbeatDrop, details: Record<string, unknown> = {}) => err(wattError(code, details))
  if (bytes.length > MAX_TOPIC_MESSAGE_BYTES.heartbeat) return drop('oversized', { size: bytes.length })
  const decoded = decode<{ body?: unknown; sig?: unknown }>(bytes, MAX_TOPIC_MESSAGE_BYTES.heartbeat)
  if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null) return drop('malformed')
  const { body, sig } = decoded.value
  if (!isHeartbeatBody(body)) return drop('malformed')
  if (!(sig instanceof Uint8Array) || sig.length === 0) return drop('unsigned')
  if (body.network !== network) return drop('wrong_network', { network: body.network })
  const publicKey = publicKeyOfPeerId(body.peer)
  if (!publicKey) return drop('malformed', { reason: 'peer id carries no ed25519 key' })
  const valid = await verifier.verify(publicKey, encode(body), sig)
  return valid ? ok(body) : drop('bad_signature')
}
