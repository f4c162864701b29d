// The node identity: one Ed25519 key per browser profile, created once and kept in
// IndexedDB. It is the libp2p peer key and signs the node's gossip.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { openDB } from 'idb'
import type { Signature, Signer, PublicKey } from '../../shared/crypto/signer.ts'
import type { PeerIdString } from '../../shared/net/peer-id.ts'

export interface NodeIdentity {
  readonly peerId: PeerIdString
  readonly privateKeyBytes: Uint8Array
  readonly signer: Signer
}

const DB = 'watt-node'
const STORE = 'identity'
const KEY = 'node-key'

const toIdentity = (key: PrivateKey): NodeIdentity => ({
  peerId: peerIdFromPrivateKey(key).toString() as PeerIdString,
  privateKeyBytes: privateKeyToProtobuf(key),
  signer: {
    publicKey: key.publicKey.raw as PublicKey,
    sign: async (m) => (await key.sign(m)) as Signature,
  },
})

export const loadOrCreateIdentity = async (): Promise<NodeIdentity> => {
  const db = await openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })
  try {
    const tx = db.transaction(STORE, 'readwrite')
    const existing = (await tx.store.get(KEY)) as Uint8Array | undefined
    if (existing) {
      await tx.done
      return toIdentity(privateKeyFromProtobuf(existing))
    }
    // generateKeyPair awaits WebCrypto, which would end the transaction: create first, then
    // write only if nobody else did meanwhile.
    await tx.done
    const fresh = await generateKeyPair('Ed25519')
    const tx2 = db.transaction(STORE, 'readwrite')
    const raced = (await tx2.store.get(KEY)) as Uint8Array | undefined
    if (!raced) await tx2.store.put(privateKeyToProtobuf(fresh), KEY)
    await tx2.done
    return toIdentity(raced ? privateKeyFromProtobuf(raced) : fresh)
  } finally {
    db.close()
  }
}

/**
 * Makes `privateKey` (libp2p protobuf) this profile's node key, before the core first starts.
 * Refuses to replace a different existing key: that would silently turn one node into another.
 */
export const installNodeKey = async (privateKey: Uint8Array): Promise<string | undefined> => {
  const key = privateKeyFromProtobuf(privateKey)
  const db = await openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })
  try {
    const existing = (await db.get(STORE, KEY)) as Uint8Array | undefined
    if (existing && !privateKeyFromProtobuf(existing).equals(key))
      return 'this browser profile already is another node; open the link in a fresh profile'
    if (!existing) await db.put(STORE, privateKeyToProtobuf(key), KEY)
    return undefined
  } finally {
    db.close()
  }
}
