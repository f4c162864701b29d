// One consensus slot: routes statements to its nomination and ballot protocols, runs federated
// voting over their latest statements, and tracks whether the local node may emit (a node
// that saw a value it cannot fully validate keeps following but stops speaking).
import { BallotProtocol } from './ballot.ts'
import type { ScpDriver, ScpEvent, SlotPhase, ValidationLevel } from './driver.ts'
import { Nomination } from './nomination.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { isQuorum, isVBlockingBy, type QuorumSetHash, singletonQuorumSet } from './quorum-utils.ts'
import { type Statement, statementQuorumSetHash } from './statement.ts'
import { type Ballot, type Value, valuesEqual } from './values.ts'

/** Distinct values a slot interns (a slot sees a handful; beyond this they pass as they are). */
const MAX_INTERNED = 64

/** What a slot needs from its SCP instance. */
export interface SlotEnv {
  readonly localId: NodeId
  readonly localQset: QuorumSet
  readonly localQsetHash: QuorumSetHash
  readonly isValidator: boolean
  readonly driver: ScpDriver
  /** Signs and emits a statement of the local node (in order). */
  send(st: Statement): void
}

export class Slot {
  readonly index: number
  readonly env: SlotEnv
  fullyValidated: boolean
  readonly nomination: Nomination
  readonly ballot: BallotProtocol
  #lastPhase: SlotPhase = 'idle'
  readonly #interned: Value[] = []

  constructor(index: number, env: SlotEnv) {
    this.index = index
    this.env = env
    this.fullyValidated = env.isValidator
    this.nomination = new Nomination(this)
    this.ballot = new BallotProtocol(this)
  }

  /** The quorum set a statement speaks for (EXTERNALIZE: the sender alone, as it is final). */
  qsetOf(st: Statement): QuorumSet | undefined {
    if (st.type === 'externalize') return singletonQuorumSet(st.nodeId)
    if (st.nodeId === this.env.localId) return this.env.localQset
    return this.env.driver.getQuorumSet(statementQuorumSetHash(st))
  }

  /** Accepted when a v-blocking set accepted, or a quorum voted or accepted. */
  federatedAccept<S extends Statement>(
    latest: ReadonlyMap<NodeId, S>,
    voted: (s: S) => boolean,
    accepted: (s: S) => boolean,
  ): boolean {
    if (isVBlockingBy(this.env.localQset, latest, accepted)) return true
    return isQuorum(
      this.env.localQset,
      latest,
      (s) => this.qsetOf(s),
      (s) => accepted(s) || voted(s),
    )
  }

  /** Confirmed when a quorum accepted. */
  federatedRatify<S extends Statement>(latest: ReadonlyMap<NodeId, S>, accepted: (s: S) => boolean): boolean {
    return isQuorum(this.env.localQset, latest, (s) => this.qsetOf(s), accepted)
  }

  validate(value: Value, nomination: boolean): ValidationLevel {
    return this.env.driver.validateValue(this.index, value, nomination)
  }

  processEnvelope(st: Statement, self: boolean): 'valid' | 'invalid' {
    const s = this.#internStatement(st)
    return s.type === 'nominate' ? this.nomination.process(s) : this.ballot.process(s, self)
  }

  /**
   * The slot's one instance of a value equal to `v`. Statements from different nodes carry
   * equal values as different byte arrays; interning them makes the many value comparisons
   * of federated voting identity checks (valuesEqual's fast path). Bytes never change.
   */
  intern(v: Value): Value {
    for (const x of this.#interned) if (valuesEqual(x, v)) return x
    if (this.#interned.length < MAX_INTERNED) this.#interned.push(v)
    return v
  }

  #internBallot(b: Ballot): Ballot {
    const v = this.intern(b.value)
    return v === b.value ? b : { counter: b.counter, value: v }
  }

  #internStatement(st: Statement): Statement {
    switch (st.type) {
      case 'nominate':
        return {
          ...st,
          votes: st.votes.map((v) => this.intern(v)),
          accepted: st.accepted.map((v) => this.intern(v)),
        }
      case 'prepare':
        return {
          ...st,
          ballot: this.#internBallot(st.ballot),
          prepared: st.prepared && this.#internBallot(st.prepared),
          preparedPrime: st.preparedPrime && this.#internBallot(st.preparedPrime),
        }
      case 'confirm':
        return { ...st, ballot: this.#internBallot(st.ballot) }
      case 'externalize':
        return { ...st, commit: this.#internBallot(st.commit) }
    }
  }

  nominate(value: Value, previous: Value, timedOut: boolean): boolean {
    const r = this.nomination.nominate(value, previous, timedOut)
    this.phaseChanged()
    return r
  }

  bumpState(value: Value, force: boolean): boolean {
    return this.ballot.bumpState(value, force)
  }

  stopNomination(): void {
    this.nomination.stop()
  }

  ballotTimerExpired(): void {
    this.ballot.abandon(0)
  }

  phase(): SlotPhase {
    if (this.ballot.b !== null || this.ballot.phase !== 'prepare') return this.ballot.phase
    return this.nomination.started ? 'nominating' : 'idle'
  }

  phaseChanged(): void {
    const phase = this.phase()
    if (phase === this.#lastPhase) return
    this.#lastPhase = phase
    this.event({ type: 'phase', slot: this.index, phase })
  }

  event(e: ScpEvent): void {
    this.env.driver.onEvent?.(e)
  }
}
