// Test-only signatures: a keyed sha256 standing in for Ed25519 so that multi-node runs spend
// their time in the protocol, not in signature arithmetic. Forgery needs the node id only,
// which is fine for tests that model honest-but-lossy networks and malformed input.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes, utf8 } from '../../util/bytes.ts'
import type { NodeId } from '../quorum-set.ts'

export const fakeSign = (nodeId: NodeId, message: Uint8Array): Uint8Array =>
  sha256(concatBytes(utf8(`fake-key:${nodeId}`), message))

export const fakeVerify = (nodeId: NodeId, message: Uint8Array, signature: Uint8Array): boolean =>
  bytesEqual(fakeSign(nodeId, message), signature)
