// Everything heard on the `scp` topic, validated fully before anything changes (issue 12):
// envelopes (shape, the announced quorum set, SCP's checks and the signature; then they wait
// for the tx sets they name), tx sets (into the pool by its rules), tx-set requests (answered
// within budgets) and validator requests (handed on).
// A verified envelope of a slot after the next one this node decides (peers that closed first)
// waits here until that slot opens: handed to SCP early, its value could only be judged "maybe
// valid" (it builds on a ledger not closed here yet), which stops this node from ever emitting
// for that slot, and a tight quorum then halts (found by the soak: seed 2508, a 4-node network
// with a garbage sender). Like stellar-core's herder, which holds future slots' envelopes.
import type { TxSet } from '../ledger/index.ts'
import {
  DEFAULT_SCP_LIMITS,
  decodeEnvelope,
  type Envelope,
  parseQuorumSet,
  type QuorumSet,
  quorumSetHash,
  type Scp,
  statementQuorumSetHash,
} from '../scp/index.ts'
import { createRateLimiter } from '../util/rate-limit.ts'
import type { Applier } from './applier.ts'
import { BoundedMap } from './bounded-map.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { NodeView } from './herder-types.ts'
import { decodeScpMessage, encodeMessage, type ScpMessage } from './messages.ts'
import type { PendingEnvelopes } from './pending-envelopes.ts'
import type { QuorumSetBook } from './quorum-set-book.ts'
import type { TxSetPool } from './tx-set-pool.ts'
import { statementTxSets } from './value.ts'

/** Per source (connection) and node-wide budgets, per second (bursts twice that). */
export const SCP_INTAKE_LIMITS = {
  txsetRequestsPerSource: 8,
  txsetAnswers: 16,
  /** Late EXTERNALIZEs (of closed slots) verified per source. */
  lateExternalizesPerSource: 32,
  /** A set answered (by anyone) is not sent again for this long. */
  txsetAnsweredForMs: 1_000,
  /** Verified envelopes of the slot after the next one, held until it opens (the newest kept). */
  earlyEnvelopes: 256,
} as const

export interface ScpIntakeDeps {
  readonly view: NodeView
  readonly scp: Scp
  readonly pool: TxSetPool
  readonly waiting: PendingEnvelopes
  readonly qsets: QuorumSetBook
  readonly proofs: CloseProofs
  readonly applier: Applier
  readonly verify: (env: Envelope) => Promise<boolean>
  /** An envelope for a slot ahead of this node: it should catch up. */
  readonly behind: () => void
}

export const createScpIntake = (d: ScpIntakeDeps) => {
  const { view, pool, waiting } = d
  const { count } = view
  const L = SCP_INTAKE_LIMITS
  const bucket = (perSecond: number, peers?: number) =>
    createRateLimiter(perSecond, 2 * perSecond, view.ports.now, peers)
  const limits = {
    txsetReq: bucket(L.txsetRequestsPerSource),
    txsetAnswers: bucket(L.txsetAnswers, 1),
    lateExternalize: bucket(L.lateExternalizesPerSource),
  }
  const answered = new BoundedMap<string, number>(256)
  /** Early envelopes by slot, node and kind (nomination or ballot): the latest of each. */
  const early = new BoundedMap<string, { env: Envelope; bytes: Uint8Array }>(L.earlyEnvelopes)
  const earlyKey = (env: Envelope) =>
    `${env.statement.slot}/${env.statement.nodeId}/${env.statement.type === 'nominate' ? 'n' : 'b'}`

  /** A verified envelope of an undecided slot reaches SCP once every tx set it names is held. */
  const deliver = async (env: Envelope, bytes: Uint8Array) => {
    const st = env.statement
    const missing = statementTxSets(st).filter((cid) => !pool.want(cid, st.slot))
    if (missing.length > 0) {
      if (!waiting.park(env, bytes, missing)) count('envelope_pending_full')
      return
    }
    const outcome = await d.scp.receiveEnvelope(env)
    if (outcome.status === 'rejected') count(`envelope_rejected_${outcome.code}`)
    if (st.type === 'externalize' && outcome.status === 'accepted') d.proofs.record(st.nodeId, st.slot, bytes)
  }

  /** The quorum set a message carries, if well formed and the one its statement names. */
  const announcedQset = (data: unknown, named: string): QuorumSet | undefined => {
    const q = parseQuorumSet(data)
    if (!q.ok) return void count('qset_malformed')
    if (quorumSetHash(q.value) !== named) return void count('qset_mismatch')
    return q.value
  }

  /** EXTERNALIZE of a closed slot: still proof for archives and uptime, once verified (bounded). */
  const lateExternalize = async (env: Envelope, bytes: Uint8Array, source: string) => {
    const st = env.statement
    const seq = view.ledger().header.seq
    if (st.type !== 'externalize' || st.slot < seq - 1 || !d.proofs.counted(st.nodeId)) return
    if (d.proofs.has(st.slot, st.nodeId)) return
    if (!limits.lateExternalize.allow(source)) return count('externalize_late_throttled')
    if (!(await d.verify(env))) return count('externalize_late_bad_signature')
    d.proofs.record(st.nodeId, st.slot, bytes)
  }

  const onEnvelope = async (m: ScpMessage & { type: 'envelope' }, source: string) => {
    const decoded = decodeEnvelope(m.env, DEFAULT_SCP_LIMITS)
    if (!decoded.ok) return count('envelope_malformed')
    const env = decoded.value
    const st = env.statement
    if (st.slot <= view.ledger().header.seq) return lateExternalize(env, m.env, source)
    // peers a slot ahead are normal (they closed first); two or more mean this node fell behind
    if (st.slot > view.nextSlot() + 1) d.behind()
    const again = waiting.waitingFor(env, m.env)
    if (again) {
      for (const cid of again) pool.want(cid, st.slot)
      return
    }
    const hash = statementQuorumSetHash(st)
    const qset = announcedQset(m.qset, hash)
    const checked = await d.qsets.whileChecking(hash, qset, () => d.scp.checkEnvelope(env))
    if (checked.status === 'rejected') return count(`envelope_rejected_${checked.code}`)
    if (checked.status !== 'verified') return
    if (qset) d.qsets.announced(st.nodeId, hash, qset)
    if (st.slot > view.nextSlot()) {
      early.delete(earlyKey(checked.envelope)) // re-inserted as the newest
      early.set(earlyKey(checked.envelope), { env: checked.envelope, bytes: m.env })
      return
    }
    await deliver(checked.envelope, m.env)
  }

  /** The slot `slot` is the next to decide now: its early envelopes go to SCP, older ones go. */
  const opened = async (slot: number) => {
    const due: Array<{ env: Envelope; bytes: Uint8Array }> = []
    for (const [key, e] of [...early]) {
      if (e.env.statement.slot > slot) continue
      early.delete(key)
      if (e.env.statement.slot === slot) due.push(e)
    }
    for (const e of due) await deliver(e.env, e.bytes)
  }

  const onTxSet = async (set: TxSet, source: string) => {
    const { cid, held } = await pool.receive(set, source, view.ledger().headerCid)
    answered.set(cid, view.ports.now())
    if (!held) return
    for (const w of waiting.arrived(cid)) await deliver(w.env, w.bytes)
    d.applier.setArrived(cid)
  }

  /** Answers with a held set, at most once a second per set and within budgets. */
  const onTxSetRequest = (cid: string, source: string) => {
    const set = pool.get(cid)
    if (!set) return count('txset_req_unknown')
    const now = view.ports.now()
    const at = answered.get(cid)
    if (at !== undefined && now - at < L.txsetAnsweredForMs) return count('txset_req_recent')
    if (!limits.txsetReq.allow(source) || !limits.txsetAnswers.allow('')) return count('txset_req_throttled')
    answered.set(cid, now)
    view.ports.publish('scp', encodeMessage({ type: 'txset', set: set.set }))
  }

  return {
    opened,
    async receive(bytes: Uint8Array, source: string) {
      const m = decodeScpMessage(bytes)
      if (!m) return count('scp_malformed')
      if (m.type === 'txset') return onTxSet(m.set, source)
      if (m.type === 'txset-req') return onTxSetRequest(m.cid, source)
      if (m.type === 'validator-req') return view.ports.onValidatorRequest?.(m)
      return onEnvelope(m, source)
    },
  }
}
