// The SCP object a node embeds: checks and verifies inbound envelopes before any slot sees
// them (rejections are typed and counted, never thrown), keeps a bounded window of slots, and
// signs and emits the local node's statements in order through the driver.
import { toWattError } from '../util/errors.ts'
import { isBallotStatementSane, isNewerBallotStatement } from './ballot-rules.ts'
import type { ScpDriver, SlotPhase } from './driver.ts'
import { decodeEnvelope, type Envelope, parseEnvelope, signingBytes } from './envelope.ts'
import { isNewerNomination } from './nomination.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { checkQuorumSet, type QuorumSetHash, quorumSetHash } from './quorum-utils.ts'
import { Slot } from './slot.ts'
import { type SlotIndex, type Statement, type StatementLimits, statementQuorumSetHash } from './statement.ts'
import { KnownNodes } from './known-nodes.ts'
import type { Ballot, Value } from './values.ts'

export interface ScpLimits extends StatementLimits {
  readonly maxEnvelopeBytes: number
  /** Envelopes for slots further than this above the highest local slot are rejected. */
  readonly maxSlotsAhead: number
  /** Most slots kept at once; the lowest are dropped beyond it. */
  readonly maxSlots: number
}

export const DEFAULT_SCP_LIMITS: ScpLimits = {
  maxValueBytes: 4096,
  maxNominationValues: 64,
  maxEnvelopeBytes: 64 * 1024,
  maxSlotsAhead: 16,
  maxSlots: 64,
}

export interface ScpConfig {
  readonly nodeId: NodeId
  readonly quorumSet: QuorumSet
  /** Validators vote; watchers (false) follow and externalize without emitting. */
  readonly isValidator: boolean
  /** Bound into every signature so envelopes cannot cross networks. */
  readonly networkId: Uint8Array
  readonly driver: ScpDriver
  readonly limits?: Partial<ScpLimits>
}

export type ReceiveOutcome =
  | { readonly status: 'accepted' }
  | { readonly status: 'ignored'; readonly reason: 'stale' | 'own' | 'purged' }
  | { readonly status: 'rejected'; readonly code: string }

export interface SlotState {
  readonly slot: SlotIndex
  readonly phase: SlotPhase
  readonly fullyValidated: boolean
  readonly nomination: {
    readonly round: number
    readonly votes: Value[]
    readonly accepted: Value[]
    readonly candidates: Value[]
    readonly leaders: NodeId[]
    readonly composite: Value | null
  }
  readonly ballot: {
    readonly b: Ballot | null
    readonly p: Ballot | null
    readonly pPrime: Ballot | null
    readonly h: Ballot | null
    readonly c: Ballot | null
    readonly heardFromQuorum: boolean
  }
  /** The committed value once externalized. */
  readonly externalized: Value | null
  /** Latest verified envelopes of every node, own included: what to persist for `restore`. */
  readonly envelopes: Envelope[]
}

export interface ScpStats {
  readonly received: number
  readonly accepted: number
  readonly ignored: number
  readonly emitted: number
  readonly rejected: Readonly<Record<string, number>>
}

export interface Scp {
  readonly nodeId: NodeId
  readonly quorumSetHash: QuorumSetHash
  receiveEnvelope(env: Envelope | Uint8Array): Promise<ReceiveOutcome>
  /**
   * Every check `receiveEnvelope` makes before it changes anything (shape, window, quorum set,
   * membership, signature), changing nothing. The checks before the signature run before the
   * promise is returned. A verified envelope object is then received without a second verify.
   */
  checkEnvelope(
    env: Envelope | Uint8Array,
  ): Promise<ReceiveOutcome | { readonly status: 'verified'; readonly envelope: Envelope }>
  /** Proposes `value` for a slot (validators only); false when nothing changed. */
  nominate(slot: SlotIndex, value: Value, previousValue: Value): boolean
  getState(slot: SlotIndex): SlotState | undefined
  /** Forgets every slot below `below` and rejects envelopes for them from now on. */
  purgeSlots(below: SlotIndex): void
  /** Rebuilds a slot from persisted envelopes (own and others') after a restart. */
  restore(slot: SlotIndex, envelopes: readonly Envelope[]): Promise<{ restored: number; rejected: number }>
  stats(): ScpStats
  /** Resolves once every statement produced so far has been signed and emitted. */
  flush(): Promise<void>
}

interface SignedLatest {
  nomination?: Envelope
  ballot?: Envelope
}

export const createScp = (cfg: ScpConfig): Scp => {
  const limits: ScpLimits = { ...DEFAULT_SCP_LIMITS, ...cfg.limits }
  const sane = checkQuorumSet(cfg.quorumSet)
  if (!sane.ok) throw new TypeError(`scp: local quorum set is not sane (${String(sane.error['reason'])})`)
  const d = cfg.driver
  const localQsetHash = quorumSetHash(cfg.quorumSet)
  const slots = new Map<SlotIndex, Slot>()
  const signed = new Map<SlotIndex, Map<NodeId, SignedLatest>>()
  const known = new KnownNodes(cfg.quorumSet, d)
  const rejected: Record<string, number> = {}
  const counts = { received: 0, accepted: 0, ignored: 0, emitted: 0 }
  let floor = 0
  let highest = 0
  let outbox: Promise<void> = Promise.resolve()

  const reject = (code: string, st?: Statement, message?: string): ReceiveOutcome => {
    rejected[code] = (rejected[code] ?? 0) + 1
    d.onEvent?.({ type: 'rejected', code, nodeId: st?.nodeId, slot: st?.slot, message })
    return { status: 'rejected', code }
  }
  const ignore = (reason: 'stale' | 'own' | 'purged'): ReceiveOutcome => {
    counts.ignored++
    return { status: 'ignored', reason }
  }

  const recordSigned = (env: Envelope) => {
    const st = env.statement
    const bySlot = signed.get(st.slot) ?? new Map<NodeId, SignedLatest>()
    signed.set(st.slot, bySlot)
    const entry = bySlot.get(st.nodeId) ?? {}
    if (st.type === 'nominate') entry.nomination = env
    else entry.ballot = env
    bySlot.set(st.nodeId, entry)
  }

  const send = (st: Statement) => {
    outbox = outbox.then(async () => {
      if (st.slot < floor) return
      try {
        const signature = await d.sign(signingBytes(cfg.networkId, st))
        const env: Envelope = { statement: st, signature }
        recordSigned(env)
        counts.emitted++
        d.emit(env)
      } catch (e) {
        d.onEvent?.({ type: 'emitFailed', slot: st.slot, message: toWattError(e).message ?? 'sign failed' })
      }
    })
  }

  // Timer callbacks run protocol code: keep their failures out of the driver's timer loop.
  const guardedDriver: ScpDriver = {
    ...d,
    setTimer: (slot, kind, ms, cb) =>
      d.setTimer(slot, kind, ms, () => {
        if (!slots.has(slot)) return
        try {
          cb()
        } catch (e) {
          reject('internal', undefined, toWattError(e).message)
        }
      }),
    valueExternalized: (slot, value) => {
      highest = Math.max(highest, slot)
      d.valueExternalized(slot, value)
    },
  }
  const env = {
    localId: cfg.nodeId,
    localQset: cfg.quorumSet,
    localQsetHash,
    isValidator: cfg.isValidator,
    driver: guardedDriver,
    send,
  }

  const purge = (below: SlotIndex) => {
    for (const i of [...slots.keys()]) {
      if (i >= below) continue
      slots.delete(i)
      signed.delete(i)
      d.cancelTimer(i, 'nomination')
      d.cancelTimer(i, 'ballot')
    }
    floor = Math.max(floor, below)
  }

  const slotFor = (i: SlotIndex): Slot => {
    let s = slots.get(i)
    if (s === undefined) {
      s = new Slot(i, env)
      slots.set(i, s)
      if (slots.size > limits.maxSlots) purge(Math.min(...slots.keys()) + 1)
    }
    return s
  }

  const isStale = (st: Statement): boolean => {
    const s = slots.get(st.slot)
    if (s === undefined) return false
    return st.type === 'nominate'
      ? !isNewerNomination(s.nomination.latest.get(st.nodeId), st)
      : !isNewerBallotStatement(s.ballot.latest.get(st.nodeId), st)
  }

  /** Checks that need no signature: window, quorum set, membership, internal consistency. */
  const precheck = (st: Statement): ReceiveOutcome | null => {
    if (st.slot < floor) return ignore('purged')
    if (st.slot > Math.max(highest, floor) + limits.maxSlotsAhead) return reject('slot_out_of_range', st)
    const qset = d.getQuorumSet(statementQuorumSetHash(st))
    if (qset === undefined) return reject('unknown_qset', st)
    if (!known.isSane(statementQuorumSetHash(st), qset)) return reject('insane_qset', st)
    if (!known.has(st.nodeId)) return reject('outside_slices', st)
    if (
      st.type === 'nominate' ? st.votes.length + st.accepted.length === 0 : !isBallotStatementSane(st, false)
    )
      return reject('insane_statement', st)
    if (isStale(st)) return ignore('stale')
    return null
  }

  const process = (envelope: Envelope): ReceiveOutcome => {
    const st = envelope.statement
    if (st.slot < floor) return ignore('purged')
    if (isStale(st)) return ignore('stale')
    try {
      if (slotFor(st.slot).processEnvelope(st, false) !== 'valid') return reject('invalid_statement', st)
    } catch (e) {
      return reject('internal', st, toWattError(e).message)
    }
    recordSigned(envelope)
    known.learn(st.nodeId, statementQuorumSetHash(st))
    counts.accepted++
    return { status: 'accepted' }
  }

  const parse = (input: Envelope | Uint8Array) =>
    input instanceof Uint8Array ? decodeEnvelope(input, limits) : parseEnvelope(input, limits)

  /** Envelope objects that passed `checkEnvelope` (weakly held: they die with the caller's copy). */
  const verified = new WeakSet<Envelope>()

  const checkEnvelope: Scp['checkEnvelope'] = async (input) => {
    const parsed = parse(input)
    if (!parsed.ok) return reject(parsed.error.code)
    const envelope = parsed.value
    const st = envelope.statement
    if (st.nodeId === cfg.nodeId) return ignore('own')
    const pre = precheck(st)
    if (pre !== null) return pre
    if (verified.has(envelope)) return { status: 'verified', envelope }
    let good: boolean
    try {
      good = await d.verify(st.nodeId, signingBytes(cfg.networkId, st), envelope.signature)
    } catch {
      good = false
    }
    if (!good) return reject('bad_signature', st)
    verified.add(envelope)
    return { status: 'verified', envelope }
  }

  const receiveEnvelope = async (input: Envelope | Uint8Array): Promise<ReceiveOutcome> => {
    counts.received++
    const checked = await checkEnvelope(input)
    // Other envelopes may have been processed while we awaited: process() re-checks.
    return checked.status === 'verified' ? process(checked.envelope) : checked
  }

  const restore = async (slot: SlotIndex, envelopes: readonly Envelope[]) => {
    let restored = 0
    let bad = 0
    const own = envelopes.filter((e) => e.statement.nodeId === cfg.nodeId && e.statement.slot === slot)
    for (const e of own) {
      const p = parseEnvelope(e, limits)
      const ok =
        p.ok && (await d.verify(cfg.nodeId, signingBytes(cfg.networkId, p.value.statement), e.signature))
      if (!p.ok || !ok || slot < floor) {
        bad++
        continue
      }
      const s = slotFor(slot)
      const st = p.value.statement
      if (st.type === 'nominate') s.nomination.restoreOwn(st)
      else s.ballot.restoreOwn(st)
      recordSigned(p.value)
      highest = Math.max(highest, slot)
      s.phaseChanged()
      restored++
    }
    for (const e of envelopes) {
      if (e.statement.nodeId === cfg.nodeId || e.statement.slot !== slot) continue
      const r = await receiveEnvelope(e)
      if (r.status === 'accepted') restored++
      else bad++
    }
    return { restored, rejected: bad }
  }

  return {
    nodeId: cfg.nodeId,
    quorumSetHash: localQsetHash,
    receiveEnvelope,
    checkEnvelope,
    nominate: (slot, value, previousValue) => {
      if (!cfg.isValidator || slot < floor || value.length > limits.maxValueBytes) return false
      highest = Math.max(highest, slot)
      return slotFor(slot).nominate(value, previousValue, false)
    },
    getState: (i) => {
      const s = slots.get(i)
      if (s === undefined) return undefined
      const n = s.nomination
      const b = s.ballot
      const envelopes: Envelope[] = []
      for (const e of signed.get(i)?.values() ?? []) {
        if (e.nomination) envelopes.push(e.nomination)
        if (e.ballot) envelopes.push(e.ballot)
      }
      return {
        slot: i,
        phase: s.phase(),
        fullyValidated: s.fullyValidated,
        nomination: {
          round: n.round,
          votes: n.votes.sorted(),
          accepted: n.accepted.sorted(),
          candidates: n.candidates.sorted(),
          leaders: [...n.leaders].sort(),
          composite: n.composite,
        },
        ballot: { b: b.b, p: b.p, pPrime: b.pPrime, h: b.h, c: b.c, heardFromQuorum: b.heardFromQuorum },
        externalized: b.phase === 'externalize' && b.c !== null ? b.c.value : null,
        envelopes,
      }
    },
    purgeSlots: purge,
    restore,
    stats: () => ({ ...counts, rejected: { ...rejected } }),
    flush: async () => {
      let seen: Promise<void> | undefined
      while (seen !== outbox) {
        seen = outbox
        await outbox
      }
    },
  }
}
