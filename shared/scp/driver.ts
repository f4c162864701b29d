// The one outbound port of the SCP state machine: signatures, emission, value semantics,
// quorum set lookup, timers and leader-priority hashing all come from the embedding node, so
// the protocol itself has no clock, no I/O and no randomness.
import { sha256 } from '@noble/hashes/sha2.js'
import { encode } from '../codec/dag-cbor.ts'
import type { Envelope } from './envelope.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import type { QuorumSetHash } from './quorum-utils.ts'
import type { SlotIndex } from './statement.ts'
import type { Ballot, Value } from './values.ts'

export type ValidationLevel = 'invalid' | 'maybeValid' | 'fullyValid'
export type TimerKind = 'nomination' | 'ballot'
export type SlotPhase = 'idle' | 'nominating' | 'prepare' | 'confirm' | 'externalize'

/** Observability: everything here is informational, the protocol never waits on it. */
export type ScpEvent =
  | { readonly type: 'nominating'; readonly slot: SlotIndex; readonly value: Value }
  | { readonly type: 'candidates'; readonly slot: SlotIndex; readonly composite: Value }
  | { readonly type: 'phase'; readonly slot: SlotIndex; readonly phase: SlotPhase }
  | { readonly type: 'heardFromQuorum'; readonly slot: SlotIndex; readonly ballot: Ballot }
  | {
      readonly type: 'rejected'
      readonly code: string
      readonly nodeId?: NodeId
      readonly slot?: SlotIndex
      readonly message?: string
    }
  | { readonly type: 'emitFailed'; readonly slot: SlotIndex; readonly message: string }

export interface ScpDriver {
  /** Signs bytes with the local node key. */
  sign(message: Uint8Array): Promise<Uint8Array>
  /** Verifies a signature by `nodeId` (the driver maps node ids to public keys). */
  verify(nodeId: NodeId, message: Uint8Array, signature: Uint8Array): Promise<boolean>
  /** Broadcasts a signed envelope of the local node (never called for watchers). */
  emit(envelope: Envelope): void
  /** How valid a value is for a slot; `nomination` is true while it is only being nominated. */
  validateValue(slot: SlotIndex, value: Value, nomination: boolean): ValidationLevel
  /** Combines confirmed nomination candidates (sorted bytewise) into the composite value. */
  combineCandidates(slot: SlotIndex, candidates: readonly Value[]): Value
  /** A valid variation of a value that is not fully valid here, if one exists. */
  extractValidValue(slot: SlotIndex, value: Value): Value | undefined
  /** The quorum set with this hash, if known (the node fetches unknown ones). */
  getQuorumSet(hash: QuorumSetHash): QuorumSet | undefined
  /** Arms a timer, replacing any pending timer of the same slot and kind. */
  setTimer(slot: SlotIndex, kind: TimerKind, ms: number, cb: () => void): void
  cancelTimer(slot: SlotIndex, kind: TimerKind): void
  /** Timeout for a nomination round or ballot counter (see `linearTimeout`). */
  computeTimeout(round: number): number
  /** 64-bit leader-election hash of a node (priority when `isPriority`, else the weight lottery). */
  hashNode(slot: SlotIndex, previousValue: Value, isPriority: boolean, round: number, nodeId: NodeId): bigint
  /** 64-bit hash ranking a value taken from a leader. */
  hashValue(slot: SlotIndex, previousValue: Value, round: number, value: Value): bigint
  /** The slot reached consensus on `value` (called once per slot). */
  valueExternalized(slot: SlotIndex, value: Value): void
  onEvent?(event: ScpEvent): void
}

export interface TimeoutParams {
  readonly initialMs: number
  readonly incrementMs: number
  /** Upper bound of any timeout. */
  readonly maxMs: number
}

export const DEFAULT_TIMEOUTS: TimeoutParams = { initialMs: 1000, incrementMs: 1000, maxMs: 30 * 60 * 1000 }

/** `initial + (round - 1) * increment`, capped at maxMs. */
export const linearTimeout =
  (p: TimeoutParams = DEFAULT_TIMEOUTS) =>
  (round: number): number =>
    Math.min(p.maxMs, p.initialMs + Math.max(0, round - 1) * p.incrementMs)

const first64 = (digest: Uint8Array): bigint => {
  let x = 0n
  for (let i = 0; i < 8; i++) x = (x << 8n) | BigInt(digest[i]!)
  return x
}

const NODE_WEIGHT_TAG = 1
const NODE_PRIORITY_TAG = 2
const VALUE_TAG = 3

/** Leader-election hashing by sha256 over DAG-CBOR [slot, previousValue, tag, round, item]. */
export const sha256Priority: Pick<ScpDriver, 'hashNode' | 'hashValue'> = {
  hashNode: (slot, prev, isPriority, round, nodeId) =>
    first64(sha256(encode([slot, prev, isPriority ? NODE_PRIORITY_TAG : NODE_WEIGHT_TAG, round, nodeId]))),
  hashValue: (slot, prev, round, value) => first64(sha256(encode([slot, prev, VALUE_TAG, round, value]))),
}
