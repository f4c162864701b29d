// The ballot protocol of one slot (draft-mazieres-dinrg-scp-05 §6, stellar-core's
// BallotProtocol): PREPARE -> CONFIRM -> EXTERNALIZE with counters b, p, p', h, c, each step
// taken by federated voting on the latest statements, ballot bumping on timeouts and when a
// v-blocking set is ahead.
import {
  acceptsCommit,
  acceptsPrepared,
  commitBoundaries,
  extendedInterval,
  isBallotStatementSane,
  isNewerBallotStatement,
  prepareCandidates,
  statementCounter,
  statementValues,
  votesCommit,
  votesPrepared,
  workingBallot,
} from './ballot-rules.ts'
import type { NodeId } from './quorum-set.ts'
import { isQuorum, isVBlockingBy } from './quorum-utils.ts'
import type { Slot } from './slot.ts'
import type { BallotStatement } from './statement.ts'
import {
  type Ballot,
  ballot,
  ballotsEqual,
  compareBallots,
  compatible,
  lessAndCompatible,
  lessAndIncompatible,
  type Value,
  valuesEqual,
} from './values.ts'

export type BallotPhase = 'prepare' | 'confirm' | 'externalize'

/** Guard against runaway recursion through self-processing (stellar-core uses 50 too). */
const MAX_ADVANCE_DEPTH = 50

export class BallotProtocol {
  readonly #slot: Slot
  phase: BallotPhase = 'prepare'
  b: Ballot | null = null
  p: Ballot | null = null
  pPrime: Ballot | null = null
  h: Ballot | null = null
  c: Ballot | null = null
  heardFromQuorum = false
  readonly latest = new Map<NodeId, BallotStatement>()
  #valueOverride: Value | null = null
  #depth = 0
  #lastGenerated: BallotStatement | null = null
  #lastSent: BallotStatement | null = null
  /** Bumped whenever `latest` changes: keys the candidate memo. */
  #version = 0
  #candidates: { hint: BallotStatement; version: number; list: Ballot[] } | null = null

  constructor(slot: Slot) {
    this.#slot = slot
  }

  #record(st: BallotStatement): void {
    this.latest.set(st.nodeId, st)
    this.#version++
  }

  /** prepareCandidates over the latest statements, computed once per (hint, latest) pair. */
  #prepareCandidates(hint: BallotStatement): Ballot[] {
    const m = this.#candidates
    if (m !== null && m.hint === hint && m.version === this.#version) return m.list
    const list = prepareCandidates(hint, this.latest.values())
    this.#candidates = { hint, version: this.#version, list }
    return list
  }

  process(st: BallotStatement, self: boolean): 'valid' | 'invalid' {
    if (!isBallotStatementSane(st, self)) return 'invalid'
    if (!isNewerBallotStatement(this.latest.get(st.nodeId), st)) return 'invalid'
    let level: 'fullyValid' | 'maybeValid' = 'fullyValid'
    for (const v of statementValues(st)) {
      const l = this.#slot.validate(v, false)
      if (l === 'invalid') return 'invalid'
      if (l === 'maybeValid') level = 'maybeValid'
    }
    if (this.phase !== 'externalize') {
      if (level === 'maybeValid') this.#slot.fullyValidated = false
      this.#record(st)
      this.#advance(st)
      return 'valid'
    }
    // Externalized: only keep statements that agree with the committed value.
    if (this.c === null || !valuesEqual(workingBallot(st).value, this.c.value)) return 'invalid'
    this.#record(st)
    return 'valid'
  }

  /** Moves to a new ballot with `value` (nomination's composite, or abandon on timeout). */
  bumpState(value: Value, force: boolean): boolean {
    if (!force && this.b !== null) return false
    return this.#bumpTo(value, this.b === null ? 1 : this.b.counter + 1)
  }

  /** Restores the local node's own persisted ballot statement. */
  restoreOwn(st: BallotStatement): void {
    switch (st.type) {
      case 'prepare':
        if (st.ballot.counter > 0) this.b = st.ballot
        this.p = st.prepared
        this.pPrime = st.preparedPrime
        this.h = st.nH !== 0 ? ballot(st.nH, st.ballot.value) : null
        this.c = st.nC !== 0 ? ballot(st.nC, st.ballot.value) : null
        this.phase = 'prepare'
        break
      case 'confirm':
        this.phase = 'confirm'
        this.b = st.ballot
        this.p = ballot(st.nPrepared, st.ballot.value)
        this.pPrime = null
        this.h = ballot(st.nH, st.ballot.value)
        this.c = ballot(st.nCommit, st.ballot.value)
        break
      case 'externalize':
        this.phase = 'externalize'
        this.b = ballot(st.nH, st.commit.value)
        this.p = this.b
        this.pPrime = null
        this.h = this.b
        this.c = st.commit
    }
    this.#record(st)
    this.#lastGenerated = st
    this.#lastSent = st
  }

  #advance(hint: BallotStatement): void {
    if (++this.#depth > MAX_ADVANCE_DEPTH) throw new Error('scp: ballot protocol recursion limit')
    try {
      let didWork = this.#acceptPrepared(hint)
      didWork = this.#confirmPrepared(hint) || didWork
      didWork = this.#acceptCommit(hint) || didWork
      didWork = this.#confirmCommit(hint) || didWork
      if (this.#depth === 1) {
        while (this.#attemptBump()) didWork = true
        this.#checkHeardFromQuorum()
      }
      this.#depth--
      if (didWork) this.#sendLatest()
    } catch (e) {
      this.#depth = 0
      throw e
    }
  }

  #acceptPrepared(hint: BallotStatement): boolean {
    if (this.phase === 'externalize') return false
    for (const cand of this.#prepareCandidates(hint)) {
      if (this.phase === 'confirm') {
        // Only a ballot that can raise p (p ~ c here) is of interest.
        if (this.p === null || !lessAndCompatible(this.p, cand)) continue
      }
      if (this.pPrime !== null && compareBallots(cand, this.pPrime) <= 0) continue
      if (this.p !== null && lessAndCompatible(cand, this.p)) continue
      const ok = this.#slot.federatedAccept(
        this.latest,
        (st) => votesPrepared(cand, st),
        (st) => acceptsPrepared(cand, st),
      )
      if (ok) return this.#setAcceptPrepared(cand)
    }
    return false
  }

  #setAcceptPrepared(b: Ballot): boolean {
    let didWork = this.#setPrepared(b)
    // Accepting an incompatible ballot above h aborts the commit vote.
    if (this.c !== null && this.h !== null) {
      const h = this.h
      if (
        (this.p && lessAndIncompatible(h, this.p)) ||
        (this.pPrime && lessAndIncompatible(h, this.pPrime))
      ) {
        this.c = null
        didWork = true
      }
    }
    if (didWork) this.#emitCurrent()
    return didWork
  }

  /** Keeps p and p' the two highest mutually incompatible accepted-prepared ballots. */
  #setPrepared(b: Ballot): boolean {
    if (this.p === null) {
      this.p = b
      return true
    }
    const cmp = compareBallots(this.p, b)
    if (cmp < 0) {
      if (!compatible(this.p, b)) this.pPrime = this.p
      this.p = b
      return true
    }
    if (cmp > 0 && (this.pPrime === null || compareBallots(this.pPrime, b) < 0) && !compatible(this.p, b)) {
      this.pPrime = b
      return true
    }
    return false
  }

  #confirmPrepared(hint: BallotStatement): boolean {
    if (this.phase !== 'prepare' || this.p === null) return false
    const cands = this.#prepareCandidates(hint)
    const ratified = (b: Ballot) => this.#slot.federatedRatify(this.latest, (st) => acceptsPrepared(b, st))
    let i = 0
    let newH: Ballot | null = null
    for (; i < cands.length; i++) {
      const cand = cands[i]!
      if (this.h !== null && compareBallots(this.h, cand) >= 0) break
      if (ratified(cand)) {
        newH = cand
        break
      }
    }
    if (newH === null) return false
    let newC: Ballot | null = null
    const b = this.b ?? ballot(0, new Uint8Array())
    // Vote to commit only if nothing accepted-prepared above h contradicts it.
    if (
      this.c === null &&
      (this.p === null || !lessAndIncompatible(newH, this.p)) &&
      (this.pPrime === null || !lessAndIncompatible(newH, this.pPrime))
    ) {
      for (; i < cands.length; i++) {
        const cand = cands[i]!
        if (compareBallots(cand, b) < 0) break
        if (!lessAndCompatible(cand, newH)) continue
        if (ratified(cand)) newC = cand
        else break
      }
    }
    return this.#setConfirmPrepared(newC, newH)
  }

  #setConfirmPrepared(newC: Ballot | null, newH: Ballot): boolean {
    let didWork = false
    this.#valueOverride = newH.value
    if (this.b === null || compatible(this.b, newH)) {
      if (this.h === null || compareBallots(newH, this.h) > 0) {
        this.h = newH
        didWork = true
      }
      if (newC !== null) {
        this.c = newC
        didWork = true
      }
    }
    didWork = this.#updateCurrentIfNeeded(newH) || didWork
    if (didWork) this.#emitCurrent()
    return didWork
  }

  #acceptCommit(hint: BallotStatement): boolean {
    if (this.phase === 'externalize') return false
    let b: Ballot
    if (hint.type === 'prepare') {
      if (hint.nC === 0) return false
      b = ballot(hint.nH, hint.ballot.value)
    } else if (hint.type === 'confirm') b = ballot(hint.nH, hint.ballot.value)
    else b = ballot(hint.nH, hint.commit.value)
    if (this.phase === 'confirm' && (this.h === null || !compatible(b, this.h))) return false
    const pred = (lo: number, hi: number) =>
      this.#slot.federatedAccept(
        this.latest,
        (st) => votesCommit(b, lo, hi, st),
        (st) => acceptsCommit(b, lo, hi, st),
      )
    const { lo, hi } = extendedInterval(commitBoundaries(b, this.latest.values()), pred)
    if (lo === 0) return false
    if (this.phase === 'confirm' && this.h !== null && hi <= this.h.counter) return false
    return this.#setAcceptCommit(ballot(lo, b.value), ballot(hi, b.value))
  }

  #setAcceptCommit(c: Ballot, h: Ballot): boolean {
    let didWork = false
    this.#valueOverride = h.value
    if (!ballotsEqual(this.h, h) || !ballotsEqual(this.c, c)) {
      this.c = c
      this.h = h
      didWork = true
    }
    if (this.phase === 'prepare') {
      this.phase = 'confirm'
      if (this.b !== null && !lessAndCompatible(h, this.b)) this.#bumpToBallot(h, false)
      this.pPrime = null
      didWork = true
      this.#slot.phaseChanged()
    }
    if (didWork) {
      this.#updateCurrentIfNeeded(h)
      this.#emitCurrent()
    }
    return didWork
  }

  #confirmCommit(hint: BallotStatement): boolean {
    if (this.phase !== 'confirm' || this.h === null || this.c === null) return false
    if (hint.type === 'prepare') return false
    const b =
      hint.type === 'confirm' ? ballot(hint.nH, hint.ballot.value) : ballot(hint.nH, hint.commit.value)
    if (!compatible(b, this.c)) return false
    const pred = (lo: number, hi: number) =>
      this.#slot.federatedRatify(this.latest, (st) => acceptsCommit(b, lo, hi, st))
    const { lo, hi } = extendedInterval(commitBoundaries(b, this.latest.values()), pred)
    if (lo === 0) return false
    this.c = ballot(lo, b.value)
    this.h = ballot(hi, b.value)
    this.#updateCurrentIfNeeded(this.h)
    this.phase = 'externalize'
    this.#emitCurrent()
    this.#slot.stopNomination()
    this.#slot.phaseChanged()
    this.#slot.env.driver.cancelTimer(this.#slot.index, 'ballot')
    this.#slot.env.driver.valueExternalized(this.#slot.index, this.c.value)
    return true
  }

  /** If a v-blocking set is at a higher counter, move to the lowest counter that is not. */
  #attemptBump(): boolean {
    if (this.phase === 'externalize') return false
    const local = this.b?.counter ?? 0
    const qset = this.#slot.env.localQset
    if (!isVBlockingBy(qset, this.latest, (st) => statementCounter(st) > local)) return false
    const counters = new Set<number>()
    for (const st of this.latest.values()) {
      const n = statementCounter(st)
      if (n > local) counters.add(n)
    }
    for (const n of [...counters].sort((x, y) => x - y)) {
      if (!isVBlockingBy(qset, this.latest, (st) => statementCounter(st) > n)) return this.abandon(n)
    }
    return false
  }

  /** Leaves the current ballot for counter n (0: the next counter), keeping the best value known. */
  abandon(n: number): boolean {
    const v = this.#slot.nomination.composite ?? this.b?.value
    if (v === undefined || v === null) return false
    return n === 0 ? this.bumpState(v, true) : this.#bumpTo(v, n)
  }

  #bumpTo(value: Value, n: number): boolean {
    if (this.phase === 'externalize') return false
    const nb = ballot(n, this.#valueOverride ?? value)
    if (this.c !== null && !compatible(this.c, nb)) return false
    if (this.b !== null && compareBallots(this.b, nb) >= 0) return false
    this.#bumpToBallot(nb, true)
    this.#emitCurrent()
    this.#checkHeardFromQuorum()
    return true
  }

  #updateCurrentIfNeeded(h: Ballot): boolean {
    if (this.b !== null && compareBallots(this.b, h) >= 0) return false
    this.#bumpToBallot(h, true)
    return true
  }

  #bumpToBallot(b: Ballot, check: boolean): void {
    if (check && this.b !== null && compareBallots(b, this.b) < 0) throw new Error('scp: ballot moved down')
    const first = this.b === null
    const bumped = first || this.b!.counter !== b.counter
    this.b = b
    if (this.h !== null && !compatible(b, this.h)) {
      this.h = null
      this.c = null
    }
    if (bumped) this.heardFromQuorum = false
    if (first) this.#slot.phaseChanged()
  }

  #checkHeardFromQuorum(): void {
    const b = this.b
    if (b === null) return
    const slot = this.#slot
    const heard = isQuorum(
      slot.env.localQset,
      this.latest,
      (st) => slot.qsetOf(st),
      (st) => st.type !== 'prepare' || b.counter <= st.ballot.counter,
    )
    const d = slot.env.driver
    if (!heard) {
      this.heardFromQuorum = false
      d.cancelTimer(slot.index, 'ballot')
      return
    }
    const was = this.heardFromQuorum
    this.heardFromQuorum = true
    if (!was) {
      slot.event({ type: 'heardFromQuorum', slot: slot.index, ballot: b })
      if (this.phase !== 'externalize')
        d.setTimer(slot.index, 'ballot', d.computeTimeout(b.counter), () => slot.ballotTimerExpired())
    }
    if (this.phase === 'externalize') d.cancelTimer(slot.index, 'ballot')
  }

  #statement(): BallotStatement {
    const env = this.#slot.env
    const base = { nodeId: env.localId, slot: this.#slot.index }
    if (this.phase === 'prepare')
      return {
        ...base,
        type: 'prepare',
        quorumSetHash: env.localQsetHash,
        ballot: this.b ?? ballot(0, new Uint8Array()),
        prepared: this.p,
        preparedPrime: this.pPrime,
        nC: this.c?.counter ?? 0,
        nH: this.h?.counter ?? 0,
      }
    if (this.phase === 'confirm')
      return {
        ...base,
        type: 'confirm',
        quorumSetHash: env.localQsetHash,
        ballot: this.b!,
        nPrepared: this.p!.counter,
        nCommit: this.c!.counter,
        nH: this.h!.counter,
      }
    return {
      ...base,
      type: 'externalize',
      commit: this.c!,
      nH: this.h!.counter,
      commitQuorumSetHash: env.localQsetHash,
    }
  }

  /** Records our own current statement (processing it like anyone's) and sends it if new. */
  #emitCurrent(): void {
    const st = this.#statement()
    const canSend = this.b !== null
    const prev = this.latest.get(st.nodeId)
    if (prev !== undefined && !isNewerBallotStatement(prev, st)) return
    if (this.#slot.processEnvelope(st, true) !== 'valid') throw new Error('scp: moved to a bad state')
    if (canSend && (this.#lastGenerated === null || isNewerBallotStatement(this.#lastGenerated, st))) {
      this.#lastGenerated = st
      this.#sendLatest()
    }
  }

  #sendLatest(): void {
    if (this.#depth !== 0 || this.#lastGenerated === null || !this.#slot.fullyValidated) return
    if (this.#lastSent === this.#lastGenerated) return
    this.#lastSent = this.#lastGenerated
    this.#slot.env.send(this.#lastGenerated)
  }
}
