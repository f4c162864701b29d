// The consensus node: real SCP over the real ledger, with every outside fact (clock, timers,
// gossip, persistence, keys) coming in through ports, so the very same code runs in the browser
// core and in Node tests. Validators nominate a tx set from their mempool every close interval;
// everyone (watchers too) applies what SCP externalizes, checks it and persists it; a node that
// fell behind catches up from peers, verifying quorum-signed EXTERNALIZE statements.
import { cidString } from '../codec/dag-cbor.ts'
import { parseAddress } from '../crypto/address.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'
import {
  applyLedger,
  type CheckedTxSet,
  checkTx,
  checkTxSet,
  type ClosedLedger,
  createMempool,
  type LedgerEnv,
  type LedgerState,
  makeTxSet,
  type TxSet,
} from '../ledger/index.ts'
import {
  createScp,
  DEFAULT_TIMEOUTS,
  decodeEnvelope,
  DEFAULT_SCP_LIMITS,
  encodeEnvelope,
  linearTimeout,
  type NodeId,
  type QuorumSet,
  quorumSetHash,
  quorumSetNodes,
  type Scp,
  type ScpDriver,
  type Envelope,
  parseQuorumSet,
  type SlotPhase,
  sha256Priority,
  signingBytes,
  statementQuorumSetHash,
  type TimeoutParams,
  type Value,
} from '../scp/index.ts'
import { utf8 } from '../util/bytes.ts'
import { ok, type Result, type WattError } from '../util/errors.ts'
import { createRateLimiter } from '../util/rate-limit.ts'
import { BoundedMap } from './bounded-map.ts'
import { type LedgerHistory, verifyArchivedLedger } from './catchup.ts'
import { createCatchupServer } from './catchup-server.ts'
import {
  type ArchivedLedger,
  decodeLedgerMessage,
  decodeScpMessage,
  encodeMessage,
  MAX_CATCHUP_BATCH,
  type ScpMessage,
} from './messages.ts'
import { createOwnEnvelopes, type OwnEnvelopeStore } from './own-envelopes.ts'
import { createPendingEnvelopes } from './pending-envelopes.ts'
import { createTxSetPool } from './tx-set-pool.ts'
import { createTxRebroadcast } from './tx-rebroadcast.ts'
import type { ValidatorRequest } from './validator-request.ts'
import {
  decodeLedgerValue,
  encodeLedgerValue,
  type LedgerValue,
  statementTxSets,
  unionSigners,
} from './value.ts'

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
}

export interface ClosedEvent {
  readonly closed: ClosedLedger
  readonly set: CheckedTxSet
  readonly hash: string
  /** Nomination to externalize, ms; undefined when caught up rather than voted. */
  readonly closeMs: number | undefined
}

const MAX_DRIFT_MS = 10_000
const CATCHUP_THROTTLE_MS = 2_000
/** Catch-up answers are read only this long after this node asked. */
const CATCHUP_LISTEN_MS = 10_000
const REBROADCAST_MS = 1_000
/** Requests a node answers: per source (connection) and in all, per second (burst twice that). */
const TXSET_REQ_PER_SOURCE = 8
const TXSET_ANSWERS_PER_SECOND = 16
const CATCHUP_REQ_PER_SOURCE = 1
/** A set answered (by anyone) is not sent again for this long. */
const TXSET_ANSWERED_FOR_MS = 1_000
/** Late EXTERNALIZEs (of closed slots) verified per source per second. */
const LATE_EXTERNALIZE_PER_SOURCE = 32

export const createConsensusNode = (init: ConsensusNodeInit, p: ConsensusNodePorts) => {
  const { env } = init
  const config = env.config
  const maxTxs = config.ledgerCapacityOps
  let state = init.state
  let stopped = false
  let phase: SlotPhase = 'idle'
  let lastCloseMs: number | undefined
  let cancelNomination: (() => void) | undefined
  let lastCatchupReq = Number.NEGATIVE_INFINITY
  let applying: Promise<void> = Promise.resolve()
  const counters: Record<string, number> = {}
  const count = (k: string) => {
    counters[k] = (counters[k] ?? 0) + 1
  }
  const mempool = createMempool(config)
  const txFlood = createTxRebroadcast()
  const pool = createTxSetPool({
    now: p.now,
    check: (set) => checkTxSet(set, env.protocol, p.verifier, maxTxs),
    ask: (cid) => p.publish('scp', encodeMessage({ type: 'txset-req', cid })),
    count,
  })
  const waiting = createPendingEnvelopes()
  const pending = new BoundedMap<number, Value>(64) // externalized, waiting for their tx set
  const archive = new BoundedMap<number, ArchivedLedger>(init.archiveLimit ?? 512)
  const externalizers = new BoundedMap<number, Map<NodeId, Uint8Array>>(64)
  /** Quorum sets by hash: the local one and those named by verified envelopes. */
  const qsets = new BoundedMap<string, QuorumSet>(1024)
  const nominatedAt = new BoundedMap<number, number>(64)
  const nodeQsets = new BoundedMap<NodeId, QuorumSet>(1024)
  const txSetAnswered = new BoundedMap<string, number>(256)
  const limits = {
    txsetReq: createRateLimiter(TXSET_REQ_PER_SOURCE, 2 * TXSET_REQ_PER_SOURCE, p.now),
    txsetAnswers: createRateLimiter(TXSET_ANSWERS_PER_SECOND, 2 * TXSET_ANSWERS_PER_SECOND, p.now, 1),
    catchupReq: createRateLimiter(CATCHUP_REQ_PER_SOURCE, 2 * CATCHUP_REQ_PER_SOURCE, p.now),
    lateExternalize: createRateLimiter(LATE_EXTERNALIZE_PER_SOURCE, 2 * LATE_EXTERNALIZE_PER_SOURCE, p.now),
  }
  /** The quorum set an envelope under check announced, readable by SCP's synchronous precheck only. */
  let announced: { hash: string; qset: QuorumSet } | undefined
  const timers = new Map<string, () => void>()
  const listeners: Array<(e: ClosedEvent) => void> = []
  const validators = new Set<string>(config.validators)
  /** Whose EXTERNALIZE counts as proof here: genesis validators and those this node trusts. */
  const trusted = quorumSetNodes(init.quorumSet)
  const counted = (n: NodeId) => validators.has(n) || trusted.has(n)
  const own = createOwnEnvelopes(
    p.ownEnvelopes,
    () => count('own_envelopes_save_failed'),
    (cid) => pool.get(cid)?.set,
  )
  const localQsetHash = quorumSetHash(init.quorumSet)
  qsets.set(localQsetHash, init.quorumSet)

  const nextSlot = () => state.header.seq + 1
  const previousValue = (): Value => utf8(cidString(state.headerCid))
  const catchupServer = createCatchupServer(init.nodeId, {
    now: p.now,
    setTimer: p.setTimer,
    publish: (data) => p.publish('ledger', data),
    seq: () => state.header.seq,
    memory: (s) => archive.get(s),
    history: p.history,
    count,
  })

  const requestCatchup = () => {
    const now = p.now()
    if (now - lastCatchupReq < CATCHUP_THROTTLE_MS) return
    lastCatchupReq = now
    count('catchup_requested')
    p.publish('ledger', encodeMessage({ type: 'catchup-req', from: nextSlot(), limit: MAX_CATCHUP_BATCH }))
  }

  const validateValue: ScpDriver['validateValue'] = (slot, bytes) => {
    const v = decodeLedgerValue(bytes)
    if (!v) return 'invalid'
    if (!v.signers.every((s) => validators.has(s))) return 'invalid'
    if (slot !== nextSlot()) return 'maybeValid'
    if (!pool.want(v.txSet, slot)) return 'maybeValid'
    const set = pool.get(v.txSet)!
    if (!set.set.prevHeader.equals(state.headerCid)) return 'invalid'
    if (v.closeTimeMs <= state.header.closeTimeMs || v.closeTimeMs > p.now() + MAX_DRIFT_MS) return 'invalid'
    return 'fullyValid'
  }

  const combineCandidates: ScpDriver['combineCandidates'] = (_slot, candidates) => {
    const values = candidates.map(decodeLedgerValue).filter((v): v is LedgerValue => v !== undefined)
    if (values.length === 0) return candidates[0]!
    const size = (v: LedgerValue) => pool.get(v.txSet)?.txs.length ?? -1
    const best = values.reduce((a, b) =>
      size(b) > size(a) || (size(b) === size(a) && b.txSet > a.txSet) ? b : a,
    )
    return encodeLedgerValue({
      txSet: best.txSet,
      closeTimeMs: Math.max(...values.map((v) => v.closeTimeMs)),
      signers: unionSigners(values.map((v) => v.signers)),
    })
  }

  const recordExternalize = (nodeId: NodeId, slot: number, bytes: Uint8Array) => {
    if (!counted(nodeId)) return
    const m = externalizers.get(slot) ?? new Map<NodeId, Uint8Array>()
    externalizers.set(slot, m)
    m.set(nodeId, bytes)
    const a = archive.get(slot)
    if (a && a.externalizes.length < m.size) archive.set(slot, { ...a, externalizes: [...m.values()] })
  }

  const driver: ScpDriver = {
    sign: (m) => p.signer.sign(m),
    verify: async (nodeId, m, s) => {
      const pk = parseAddress(nodeId)
      return pk.ok && (await p.verifier.verify(pk.value, m, s))
    },
    emit: (envelope) => {
      const bytes = encodeEnvelope(envelope)
      own.emitted(envelope, bytes)
      if (envelope.statement.type === 'externalize')
        recordExternalize(init.nodeId, envelope.statement.slot, bytes)
      p.publish('scp', encodeMessage({ type: 'envelope', env: bytes, qset: init.quorumSet }))
    },
    validateValue,
    combineCandidates,
    extractValidValue: () => undefined,
    getQuorumSet: (h) =>
      h === localQsetHash
        ? init.quorumSet
        : (qsets.get(h) ?? (announced?.hash === h ? announced.qset : undefined)),
    setTimer: (slot, kind, ms, cb) => {
      const key = `${slot}/${kind}`
      timers.get(key)?.()
      timers.set(
        key,
        p.setTimer(ms, () => {
          timers.delete(key)
          if (!stopped) cb()
        }),
      )
    },
    cancelTimer: (slot, kind) => {
      const key = `${slot}/${kind}`
      timers.get(key)?.()
      timers.delete(key)
    },
    computeTimeout: linearTimeout(init.timeouts ?? DEFAULT_TIMEOUTS),
    ...sha256Priority,
    valueExternalized: (slot, value) => {
      if (slot < nextSlot()) return
      if (slot > nextSlot()) {
        pending.set(slot, value)
        requestCatchup()
        return
      }
      enqueueApply(slot, value)
    },
    onEvent: (e) => {
      if (e.type === 'phase' && e.slot === nextSlot()) phase = e.phase
      if (e.type === 'rejected') count(`scp_rejected_${e.code}`)
    },
  }

  const scp: Scp = createScp({
    nodeId: init.nodeId,
    quorumSet: init.quorumSet,
    isValidator: init.isValidator,
    networkId: init.networkId,
    driver,
  })

  const applyValue = async (slot: number, value: Value, set: CheckedTxSet, voted: boolean) => {
    const v = decodeLedgerValue(value)
    if (!v || slot !== nextSlot()) return
    const r = applyLedger(state, set, { closeTimeMs: v.closeTimeMs, signers: v.signers, upgrades: [] }, env)
    if (!r.ok) {
      count(`apply_failed_${r.error.code}`)
      p.log?.(`consensus: value for ${slot} does not apply: ${r.error.code}`)
      return
    }
    await p.commit(r.value, set)
    state = r.value.state
    const started = nominatedAt.get(slot)
    const closeMs = voted && started !== undefined ? p.now() - started : undefined
    if (closeMs !== undefined) lastCloseMs = closeMs
    archive.set(slot, {
      seq: slot,
      value,
      set: set.set,
      externalizes: [...(externalizers.get(slot)?.values() ?? [])],
      qsets: [...qsets.values()].slice(0, 64),
    })
    const settled = archive.get(slot - 1) // its late EXTERNALIZEs had one close interval to arrive
    if (settled) p.history?.save(settled).catch(() => count('history_save_failed'))
    mempool.update(state, p.now())
    for (const bytes of txFlood.due(slot, mempool.pending())) p.publish('tx', bytes)
    pending.delete(slot)
    pool.closed(slot)
    waiting.closed(slot)
    scp.purgeSlots(slot)
    phase = 'idle'
    const event: ClosedEvent = { closed: r.value, set, hash: cidString(r.value.headerCid), closeMs }
    for (const l of listeners) l(event)
    scheduleNomination()
    for (const cid of waiting.missingFor(nextSlot())) pool.want(cid, nextSlot())
    const next = pending.get(nextSlot())
    if (next) tryApply(nextSlot(), next, true)
  }

  const tryApply = (slot: number, value: Value, voted: boolean) => {
    const v = decodeLedgerValue(value)
    if (!v) return
    if (!pool.want(v.txSet, slot)) {
      pending.set(slot, value)
      return
    }
    const set = pool.get(v.txSet)!
    applying = applying
      .then(() => applyValue(slot, value, set, voted))
      .catch((e) => {
        count('commit_failed')
        p.log?.(`consensus: commit failed at ${slot}: ${String(e)}`)
      })
  }
  const enqueueApply = (slot: number, value: Value) => tryApply(slot, value, true)

  const nominate = () => {
    cancelNomination = undefined
    if (stopped || !init.isValidator) return
    const slot = nextSlot()
    const set = makeTxSet(state.headerCid, mempool.select(config.ledgerCapacityOps))
    pool.hold(slot, set)
    p.publish('scp', encodeMessage({ type: 'txset', set: set.set }))
    const closeTimeMs = Math.max(p.now(), state.header.closeTimeMs + 1)
    const signers = [...(externalizers.get(slot - 1)?.keys() ?? [])].filter((n) => validators.has(n)).sort()
    if (!nominatedAt.has(slot)) nominatedAt.set(slot, p.now())
    scp.nominate(
      slot,
      encodeLedgerValue({ txSet: cidString(set.cid), closeTimeMs, signers }),
      previousValue(),
    )
    // if this slot does not close (peers gone, partition), keep asking; SCP's own timers bump rounds
    cancelNomination = p.setTimer(config.closeIntervalMs * 4, () => {
      if (nextSlot() === slot) {
        requestCatchup()
        nominate()
      }
    })
  }

  /** SCP emits only on change; resending our latest statements repairs what gossip lost. */
  const rebroadcast = () => {
    if (stopped) return
    for (const slot of [nextSlot(), nextSlot() - 1]) {
      for (const e of scp.getState(slot)?.envelopes ?? []) {
        if (e.statement.nodeId === init.nodeId)
          p.publish('scp', encodeMessage({ type: 'envelope', env: encodeEnvelope(e), qset: init.quorumSet }))
      }
    }
    p.setTimer(REBROADCAST_MS, rebroadcast)
  }

  const scheduleNomination = () => {
    cancelNomination?.()
    const due = state.header.closeTimeMs + config.closeIntervalMs - p.now()
    cancelNomination = p.setTimer(Math.max(0, due), nominate)
  }

  /**
   * A verified envelope of a slot not yet closed reaches SCP once every tx set it names is held
   * (stellar-core's herder); until then it waits and the missing sets are fetched.
   */
  const deliver = async (env: Envelope, bytes: Uint8Array) => {
    const st = env.statement
    const missing = statementTxSets(st).filter((cid) => !pool.want(cid, st.slot))
    if (missing.length > 0) {
      if (!waiting.park(env, bytes, missing)) count('envelope_pending_full')
      return
    }
    const outcome = await scp.receiveEnvelope(env)
    if (outcome.status === 'rejected') count(`envelope_rejected_${outcome.code}`)
    if (st.type === 'externalize' && outcome.status === 'accepted')
      recordExternalize(st.nodeId, st.slot, bytes)
  }

  /** The quorum set an envelope message carries, if well formed and the one its statement names. */
  const announcedQset = (data: unknown, named: string): QuorumSet | undefined => {
    const q = parseQuorumSet(data)
    if (!q.ok) return void count('qset_malformed')
    if (quorumSetHash(q.value) !== named) return void count('qset_mismatch')
    return q.value
  }

  /** EXTERNALIZE of a closed slot: still proof for archives and uptime, once verified (bounded). */
  const lateExternalize = async (env: Envelope, bytes: Uint8Array, source: string) => {
    const st = env.statement
    if (st.type !== 'externalize' || st.slot < state.header.seq - 1 || !counted(st.nodeId)) return
    if (externalizers.get(st.slot)?.has(st.nodeId)) return
    if (!limits.lateExternalize.allow(source)) return count('externalize_late_throttled')
    if (!(await driver.verify(st.nodeId, signingBytes(init.networkId, st), env.signature)))
      return count('externalize_late_bad_signature')
    recordExternalize(st.nodeId, st.slot, bytes)
  }

  /**
   * Shape, then the announced quorum set, then SCP's checks and the signature: nothing is kept
   * (no quorum set filed, no envelope parked, no set fetched) before the envelope is verified.
   */
  const onEnvelope = async (m: ScpMessage & { type: 'envelope' }, source: string) => {
    const decoded = decodeEnvelope(m.env, DEFAULT_SCP_LIMITS)
    if (!decoded.ok) return count('envelope_malformed')
    const env = decoded.value
    const st = env.statement
    if (st.slot <= state.header.seq) return lateExternalize(env, m.env, source)
    if (st.slot > nextSlot()) requestCatchup()
    const again = waiting.waitingFor(env, m.env)
    if (again) {
      for (const cid of again) pool.want(cid, st.slot)
      return
    }
    const hash = statementQuorumSetHash(st)
    const qset = announcedQset(m.qset, hash)
    announced = qset && { hash, qset }
    const checking = scp.checkEnvelope(env)
    announced = undefined
    const checked = await checking
    if (checked.status === 'rejected') return count(`envelope_rejected_${checked.code}`)
    if (checked.status !== 'verified') return
    if (qset) {
      qsets.set(hash, qset)
      nodeQsets.set(st.nodeId, qset)
    }
    await deliver(checked.envelope, m.env)
  }

  const onTxSet = async (set: TxSet, source: string) => {
    const { cid, held } = await pool.receive(set, source, state.headerCid)
    txSetAnswered.set(cid, p.now())
    if (!held) return
    for (const w of waiting.arrived(cid)) await deliver(w.env, w.bytes)
    for (const [slot, value] of pending)
      if (decodeLedgerValue(value)?.txSet === cid && slot === nextSlot()) tryApply(slot, value, true)
  }

  /** Answers with a held set, at most once a second per set and within a node-wide budget. */
  const onTxSetRequest = (cid: string, source: string) => {
    const set = pool.get(cid)
    if (!set) return count('txset_req_unknown')
    const at = txSetAnswered.get(cid)
    if (at !== undefined && p.now() - at < TXSET_ANSWERED_FOR_MS) return count('txset_req_recent')
    if (!limits.txsetReq.allow(source) || !limits.txsetAnswers.allow('')) return count('txset_req_throttled')
    txSetAnswered.set(cid, p.now())
    p.publish('scp', encodeMessage({ type: 'txset', set: set.set }))
  }

  const onScp = async (bytes: Uint8Array, source: string) => {
    const m = decodeScpMessage(bytes)
    if (!m) return count('scp_malformed')
    if (m.type === 'txset') return onTxSet(m.set, source)
    if (m.type === 'txset-req') return onTxSetRequest(m.cid, source)
    if (m.type === 'validator-req') return p.onValidatorRequest?.(m)
    return onEnvelope(m, source)
  }

  /** One archived ledger of a catch-up answer: verified entry by entry, re-applied, recorded. */
  const catchUpOne = async (l: ArchivedLedger) => {
    const v = await verifyArchivedLedger(l, init.quorumSet, init.networkId, p.verifier, counted)
    if (!v.ok) return count(`catchup_rejected_${String(v.error.reason)}`)
    const set = await checkTxSet(l.set, env.protocol, p.verifier, maxTxs)
    if (!set.ok) return count('catchup_rejected_tx_set')
    for (const [nodeId, e] of v.value.externalizes) recordExternalize(nodeId, l.seq, e)
    for (const q of l.qsets) {
      // only the quorum sets the verified EXTERNALIZEs name
      const parsed = parseQuorumSet(q)
      if (parsed.ok && v.value.qsetHashes.has(quorumSetHash(parsed.value)))
        qsets.set(quorumSetHash(parsed.value), parsed.value)
    }
    const done = applying.then(() => applyValue(l.seq, l.value, set.value, false))
    applying = done.catch(() => count('commit_failed'))
    await applying
    count('caught_up')
  }

  const onLedger = async (bytes: Uint8Array, source: string) => {
    const m = decodeLedgerMessage(bytes)
    if (!m) return count('ledger_malformed')
    if (m.type === 'catchup-req') {
      if (!limits.catchupReq.allow(source)) return count('catchup_req_throttled')
      return catchupServer.request(m.from, m.limit)
    }
    catchupServer.heard(m.ledgers)
    if (p.now() - lastCatchupReq > CATCHUP_LISTEN_MS) return count('catchup_unsolicited')
    for (const l of m.ledgers) if (l.seq === nextSlot()) await catchUpOne(l)
  }

  return {
    /** Restores this validator's own statements of the current slot, if saved, then runs. */
    async start() {
      if (init.isValidator) {
        const slot = nextSlot()
        const saved = await own.load(slot)
        for (const s of saved.txSets) {
          const c = await checkTxSet(s, env.protocol, p.verifier, maxTxs)
          if (c.ok && c.value.set.prevHeader.equals(state.headerCid)) pool.hold(slot, c.value)
          else count('restored_txset_invalid')
        }
        if (saved.envelopes.length > 0) {
          const r = await scp.restore(slot, saved.envelopes)
          counters.restored_envelopes = r.restored
          for (const e of saved.envelopes) own.emitted(e, encodeEnvelope(e))
          // SCP restores an EXTERNALIZE silently; the ledger it names was not committed yet
          const ext = saved.envelopes.find((e) => e.statement.type === 'externalize')?.statement
          if (ext?.type === 'externalize' && phase === 'externalize') enqueueApply(slot, ext.commit.value)
        }
      }
      if (stopped) return
      scheduleNomination()
      requestCatchup()
      if (init.isValidator) p.setTimer(REBROADCAST_MS, rebroadcast)
    },
    stop() {
      stopped = true
      cancelNomination?.()
      for (const c of timers.values()) c()
      timers.clear()
      // the newest ledger's proof would otherwise be saved only after the next close
      const last = archive.get(state.header.seq)
      if (last) p.history?.save(last).catch(() => count('history_save_failed'))
    },
    /**
     * A gossip message heard from `source`: the connection it arrived on (a direct peer or the
     * relay), the unit per-peer budgets count in, never the message's claimed author.
     */
    receive(kind: GossipKind, bytes: Uint8Array, source = ''): Promise<void> {
      if (stopped) return Promise.resolve()
      if (kind === 'scp') return onScp(bytes, source)
      if (kind === 'ledger') return onLedger(bytes, source)
      return admit(bytes, false).then(() => {})
    },
    /** A transaction submitted on this node: admitted to the mempool, then flooded. */
    submit: (bytes: Uint8Array) => admit(bytes, true),
    onClosed(l: (e: ClosedEvent) => void) {
      listeners.push(l)
      return () => listeners.splice(listeners.indexOf(l) >>> 0, 1)
    },
    current: () => state,
    status: () => ({
      seq: state.header.seq,
      hash: cidString(state.headerCid),
      phase,
      lastCloseMs,
      role: init.isValidator ? ('validator' as const) : ('watcher' as const),
      /** Nodes whose EXTERNALIZE of the previous ledger this node holds (its quorum's proof). */
      externalizedBy: [...(externalizers.get(state.header.seq - 1)?.keys() ?? [])].sort(),
      mempool: mempool.size,
      counters: { ...counters },
      scp: scp.stats(),
    }),
    pendingTxs: () => mempool.pending(),
    /** Resolves once no apply is in flight and own envelopes written so far are persisted. */
    async settled() {
      for (let seen: Promise<void> | undefined; seen !== applying; ) {
        seen = applying
        await seen
      }
      await own.flushed()
    },
    /** The latest quorum set each node announced, this node's own included. */
    knownQuorumSets: (): Map<NodeId, QuorumSet> => new Map([...nodeQsets, [init.nodeId, init.quorumSet]]),
  }

  async function admit(bytes: Uint8Array, flood: boolean): Promise<Result<{ txId: string }, WattError>> {
    const c = await checkTx(bytes, env.protocol, p.verifier)
    if (!c.ok) return c
    const added = mempool.add(c.value, state, p.now())
    if (!added.ok) {
      if (added.error.code !== 'duplicate') count(`tx_rejected_${added.error.code}`)
      return added
    }
    if (flood) {
      p.publish('tx', bytes)
      txFlood.flooded(c.value.id, state.header.seq)
    }
    return ok({ txId: c.value.id })
  }
}

export type ConsensusNode = ReturnType<typeof createConsensusNode>
