// The nomination protocol of one slot: each round picks leaders by weight and priority, echoes
// their values, accepts votes by federated voting, confirms candidates and hands the combined
// candidate to the ballot protocol.
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { normalizeQuorumSet, nodeWeight, quorumSetNodes, UINT64_MAX } from './quorum-utils.ts'
import type { Slot } from './slot.ts'
import type { NominateStatement } from './statement.ts'
import { compareValues, isStrictlySorted, type Value, ValueSet, valuesEqual } from './values.ts'

/** Whether `next` contains `prev`, and whether it is strictly larger. */
const grows = (prev: readonly Value[], next: readonly Value[]): { superset: boolean; grew: boolean } => {
  const grew = next.length > prev.length
  if (isStrictlySorted(prev) && isStrictlySorted(next)) {
    // Statements carry sorted lists: one merge pass, no keys.
    let j = 0
    for (const v of prev) {
      while (j < next.length && compareValues(next[j]!, v) < 0) j++
      if (j === next.length || !valuesEqual(next[j]!, v)) return { superset: false, grew: false }
      j++
    }
    return { superset: true, grew }
  }
  const set = new ValueSet(next)
  for (const v of prev) if (!set.has(v)) return { superset: false, grew: false }
  return { superset: true, grew }
}

/** A nomination statement is newer when both lists grow monotonically and one strictly. */
export const isNewerNomination = (prev: NominateStatement | undefined, next: NominateStatement): boolean => {
  if (prev === undefined) return true
  const v = grows(prev.votes, next.votes)
  const a = grows(prev.accepted, next.accepted)
  return v.superset && a.superset && (v.grew || a.grew)
}

// The local set without the local node, computed once per (set object, node): leaders are
// elected every round of every slot from it.
const normalized = new WeakMap<QuorumSet, { node: NodeId; qset: QuorumSet }>()
const normalizedLocal = (q: QuorumSet, node: NodeId): QuorumSet => {
  const hit = normalized.get(q)
  if (hit !== undefined && hit.node === node) return hit.qset
  const qset = normalizeQuorumSet(q, node)
  normalized.set(q, { node, qset })
  return qset
}

const includes = (list: readonly Value[], v: Value): boolean => list.some((x) => valuesEqual(x, v))

export class Nomination {
  readonly #slot: Slot
  round = 0
  readonly votes = new ValueSet()
  readonly accepted = new ValueSet()
  readonly candidates = new ValueSet()
  readonly latest = new Map<NodeId, NominateStatement>()
  readonly leaders = new Set<NodeId>()
  started = false
  composite: Value | null = null
  #previous: Value = new Uint8Array()
  #lastSent: NominateStatement | null = null

  constructor(slot: Slot) {
    this.#slot = slot
  }

  process(st: NominateStatement): 'valid' | 'invalid' {
    if (!isNewerNomination(this.latest.get(st.nodeId), st)) return 'invalid'
    if (st.votes.length + st.accepted.length === 0) return 'invalid'
    this.latest.set(st.nodeId, st)
    if (!this.started) return 'valid'
    const slot = this.#slot
    let modified = false
    let newCandidates = false
    for (const v of st.votes) {
      if (this.accepted.has(v)) continue
      const accepted = slot.federatedAccept(
        this.latest,
        (s) => includes(s.votes, v),
        (s) => includes(s.accepted, v),
      )
      if (!accepted) continue
      if (slot.validate(v, true) === 'fullyValid') {
        this.accepted.add(v)
        this.votes.add(v)
        modified = true
      } else {
        // The value got far: vote for a variation of it that we consider valid, if any.
        const alt = slot.env.driver.extractValidValue(slot.index, v)
        if (alt !== undefined && this.votes.add(alt)) modified = true
      }
    }
    for (const a of this.accepted.sorted()) {
      if (this.candidates.has(a)) continue
      if (slot.federatedRatify(this.latest, (s) => includes(s.accepted, a))) {
        this.candidates.add(a)
        newCandidates = true
        slot.env.driver.cancelTimer(slot.index, 'nomination')
      }
    }
    // Leaders' votes are only echoed while no candidate is confirmed.
    if (this.candidates.size === 0 && this.leaders.has(st.nodeId)) {
      const v = this.#newValueFrom(st)
      if (v !== undefined) {
        this.votes.add(v)
        modified = true
        slot.event({ type: 'nominating', slot: slot.index, value: v })
      }
    }
    if (modified) this.#emit()
    if (newCandidates) {
      const composite = slot.env.driver.combineCandidates(slot.index, this.candidates.sorted())
      this.composite = composite
      slot.event({ type: 'candidates', slot: slot.index, composite })
      slot.bumpState(composite, false)
    }
    return 'valid'
  }

  /** Starts or continues nomination (a timeout calls it again with `timedOut`). */
  nominate(value: Value, previous: Value, timedOut: boolean): boolean {
    const slot = this.#slot
    if (timedOut && !this.started) return false
    this.started = true
    this.#previous = previous
    if (this.candidates.size > 0) return false
    this.round++
    this.#updateLeaders()
    let updated = false
    for (const leader of this.leaders) {
      let v: Value | undefined
      if (leader === slot.env.localId) v = this.votes.has(value) ? undefined : value
      else {
        const st = this.latest.get(leader)
        v = st === undefined ? undefined : this.#newValueFrom(st)
      }
      if (v !== undefined && this.votes.add(v)) {
        updated = true
        slot.event({ type: 'nominating', slot: slot.index, value: v })
      }
    }
    const ms = slot.env.driver.computeTimeout(this.round)
    slot.env.driver.setTimer(slot.index, 'nomination', ms, () => slot.nominate(value, previous, true))
    if (updated) this.#emit()
    return updated
  }

  stop(): void {
    this.started = false
    this.#slot.env.driver.cancelTimer(this.#slot.index, 'nomination')
  }

  /** Restores the local node's own persisted nomination statement. */
  restoreOwn(st: NominateStatement): void {
    for (const v of st.votes) this.votes.add(v)
    for (const a of st.accepted) this.accepted.add(a)
    this.latest.set(st.nodeId, st)
    this.#lastSent = st
  }

  /** Nodes with the top priority this round (the local node counts with full weight). */
  #updateLeaders(): void {
    const slot = this.#slot
    const local = slot.env.localId
    const qset = normalizedLocal(slot.env.localQset, local)
    const priority = (n: NodeId): bigint => {
      const w = n === local ? UINT64_MAX : nodeWeight(n, qset)
      const d = slot.env.driver
      if (w > 0n && d.hashNode(slot.index, this.#previous, false, this.round, n) <= w)
        return d.hashNode(slot.index, this.#previous, true, this.round, n)
      return 0n
    }
    let top = priority(local)
    let best = new Set<NodeId>([local])
    for (const n of quorumSetNodes(qset)) {
      const p = priority(n)
      if (p > top) {
        top = p
        best = new Set()
      }
      if (p === top && p > 0n) best.add(n)
    }
    for (const n of best) this.leaders.add(n)
  }

  /** The best value (by hashValue) a leader proposes that we do not vote for yet. */
  #newValueFrom(st: NominateStatement): Value | undefined {
    const slot = this.#slot
    const d = slot.env.driver
    let best: Value | undefined
    let bestHash = -1n
    const consider = (v: Value) => {
      const candidate = slot.validate(v, true) === 'fullyValid' ? v : d.extractValidValue(slot.index, v)
      if (candidate === undefined || this.votes.has(candidate)) return
      const h = d.hashValue(slot.index, this.#previous, this.round, candidate)
      if (h >= bestHash) {
        bestHash = h
        best = candidate
      }
    }
    for (const a of st.accepted) consider(a)
    if (best === undefined) for (const v of st.votes) consider(v)
    return best
  }

  #emit(): void {
    const slot = this.#slot
    const st: NominateStatement = {
      type: 'nominate',
      nodeId: slot.env.localId,
      slot: slot.index,
      quorumSetHash: slot.env.localQsetHash,
      votes: this.votes.sorted(),
      accepted: this.accepted.sorted(),
    }
    if (slot.processEnvelope(st, true) !== 'valid') return
    if (this.#lastSent === null || isNewerNomination(this.#lastSent, st)) {
      this.#lastSent = st
      if (slot.fullyValidated) slot.env.send(st)
    }
  }
}
