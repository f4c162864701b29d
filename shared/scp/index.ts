// Public API of the Stellar Consensus Protocol state machine (see docs/scp.md).
export type { NodeId, QuorumSet } from './quorum-set.ts'
export {
  checkQuorumSet,
  isQuorum,
  isQuorumSetShape,
  isQuorumSlice,
  isVBlocking,
  isVBlockingBy,
  MAX_QUORUM_DEPTH,
  MAX_QUORUM_NODES,
  nodeWeight,
  normalizeQuorumSet,
  parseQuorumSet,
  type QuorumSetHash,
  quorumSetHash,
  quorumSetNodes,
  singletonQuorumSet,
} from './quorum-utils.ts'
export {
  type Ballot,
  compareBallots,
  compareValues,
  INFINITE_COUNTER,
  type Value,
} from './values.ts'
export type {
  BallotStatement,
  ConfirmStatement,
  ExternalizeStatement,
  NominateStatement,
  PrepareStatement,
  SlotIndex,
  Statement,
} from './statement.ts'
export { decodeEnvelope, type Envelope, encodeEnvelope, parseEnvelope, signingBytes } from './envelope.ts'
export { statementQuorumSetHash } from './statement.ts'
export {
  DEFAULT_TIMEOUTS,
  linearTimeout,
  type ScpDriver,
  type ScpEvent,
  type SlotPhase,
  sha256Priority,
  type TimeoutParams,
  type TimerKind,
  type ValidationLevel,
} from './driver.ts'
export {
  createScp,
  DEFAULT_SCP_LIMITS,
  type ReceiveOutcome,
  type Scp,
  type ScpConfig,
  type ScpLimits,
  type ScpStats,
  type SlotState,
} from './scp.ts'
export { runScpWorkload, type WorkloadOptions, type WorkloadResult } from './bench.ts'
