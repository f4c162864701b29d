// libp2p peer ids of Ed25519 keys embed the public key (identity multihash of the protobuf
// key), so a signed message names its signer and carries its own verification key.
import { base58btc } from 'multiformats/bases/base58'
import type { Brand } from '../util/brand.ts'

export type PeerIdString = Brand<string, 'PeerIdString'>

// identity multihash (0x00, len 36) + protobuf { KeyType: Ed25519 (1), Data: 32 bytes }
const ED25519_PEER_PREFIX = new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])

/** The raw Ed25519 public key inside a peer id, or undefined for any other kind of id. */
export const publicKeyOfPeerId = (peerId: string): Uint8Array | undefined => {
  if (peerId.length > 64 || !peerId.startsWith('12D3Koo')) return undefined
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(peerId)
  } catch {
    return undefined
  }
  if (bytes.length !== ED25519_PEER_PREFIX.length + 32) return undefined
  for (let i = 0; i < ED25519_PEER_PREFIX.length; i++)
    if (bytes[i] !== ED25519_PEER_PREFIX[i]) return undefined
  return bytes.slice(ED25519_PEER_PREFIX.length)
}

export const peerIdOfPublicKey = (publicKey: Uint8Array): PeerIdString => {
  if (publicKey.length !== 32) throw new TypeError('ed25519 public key must be 32 bytes')
  const bytes = new Uint8Array(ED25519_PEER_PREFIX.length + 32)
  bytes.set(ED25519_PEER_PREFIX)
  bytes.set(publicKey, ED25519_PEER_PREFIX.length)
  return base58btc.baseEncode(bytes) as PeerIdString
}
