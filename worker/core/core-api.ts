// The core's own RPC methods and events. `core.boot` is the first call of every tab: the core
// loads its identity only on the first one, so a tab opened from an enrollment link (web/enroll.ts)
// installs its node key before the core makes or uses any other (worker/core/boot-gate.ts).
import type { Result, WattError } from '../../shared/util/errors.ts'
import { bytes, flag, isObj, noParams, optionalParams, badParams } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { NodeSnapshot } from './snapshot.ts'

/** A devnet validator's key, handed out once by the relay for an enrollment link. */
export interface Enrollment {
  /** The libp2p protobuf of the node's Ed25519 private key. */
  readonly privateKey: Uint8Array
  /** The devnet was started with --auto-admit: this validator admits every valid request. */
  readonly autoAdmit: boolean
}

export interface BootRequest {
  readonly enrollment?: Enrollment
}

export interface BootReply {
  readonly peerId: string
  /** Present when the call carried an enrollment: installed, or why not (`other_node_key`, ...). */
  readonly enrollment?: Result<true, WattError>
}

export type CoreMethods = {
  'core.boot': Method<BootRequest | undefined, BootReply>
  snapshot: Method<undefined, NodeSnapshot>
}

export type CoreEvents = {
  snapshot: NodeSnapshot
}

/** A libp2p Ed25519 private key protobuf is 68 bytes; anything far larger is not one. */
const MAX_KEY_BYTES = 256

const parseBoot = (p: unknown): BootRequest | undefined => {
  const e = optionalParams(p)?.enrollment
  if (e === undefined) return undefined
  if (!isObj(e)) return badParams('enrollment')
  return {
    enrollment: { privateKey: bytes(e, 'privateKey', 1, MAX_KEY_BYTES), autoAdmit: flag(e, 'autoAdmit') },
  }
}

export const CORE_GUARDS: Guards<CoreMethods> = {
  'core.boot': parseBoot,
  snapshot: noParams,
}
