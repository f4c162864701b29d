// The consensus node's outside world: what it is built with (`ConsensusNodeInit`), the ports every
// outside fact comes through (clock, timers, gossip, keys, persistence), and what it reports.
// The browser core, the Node tests and the simulator each supply their own ports.
import type { Signer, Verifier } from '../crypto/signer.ts'
import type { CheckedTxSet, ClosedLedger, LedgerEnv, LedgerState } from '../ledger/index.ts'
import type { NodeId, QuorumSet, TimeoutParams, Value } from '../scp/index.ts'
import type { LedgerHistory } from './catchup.ts'
import type { OwnEnvelopeStore } from './own-envelopes.ts'
import type { UpgradeSchedule } from './upgrades.ts'
import type { ValidatorRequest } from './validator-request.ts'

export type GossipKind = 'tx' | 'scp' | 'ledger'

export interface ConsensusNodeInit {
  readonly env: LedgerEnv
  readonly networkId: Uint8Array
  readonly nodeId: NodeId
  readonly quorumSet: QuorumSet
  readonly isValidator: boolean
  readonly state: LedgerState
  readonly timeouts?: TimeoutParams
  /** Closed ledgers kept in memory to answer catch-up (default 512); older ones come from `history`. */
  readonly archiveLimit?: number
  /** How often a validator re-sends its latest envelopes (default 1 s). */
  readonly rebroadcastMs?: number
  /** The protocol upgrades this validator's operator armed it to propose (none by default). */
  readonly upgrades?: UpgradeSchedule
}

export interface ConsensusNodePorts {
  now(): number
  setTimer(ms: number, cb: () => void): () => void
  publish(kind: GossipKind, data: Uint8Array): void
  signer: Signer
  verifier: Verifier
  /** Persists one closed ledger; the node moves on only once it resolves. */
  commit(closed: ClosedLedger, set: CheckedTxSet): Promise<void>
  log?(line: string): void
  /** Durable history, to answer catch-up for ledgers beyond the memory archive. */
  history?: LedgerHistory
  /** Where this validator's latest own envelopes are kept across restarts. */
  ownEnvelopes?: OwnEnvelopeStore
  /** A validator request heard on gossip (shape-checked only; the receiver verifies it). */
  onValidatorRequest?(r: ValidatorRequest): void
  /** SCP externalized `value` for `slot` (the simulator's fork checker listens). */
  onExternalized?(slot: number, value: Value): void
}

export interface ClosedEvent {
  readonly closed: ClosedLedger
  readonly set: CheckedTxSet
  readonly hash: string
  /** Nomination to externalize, ms; undefined when caught up rather than voted. */
  readonly closeMs: number | undefined
}

/** What every part of the node reads: its init and ports, the last closed ledger, its counters. */
export interface NodeView {
  readonly init: ConsensusNodeInit
  readonly ports: ConsensusNodePorts
  ledger(): LedgerState
  nextSlot(): number
  count(code: string): void
  stopped(): boolean
}
