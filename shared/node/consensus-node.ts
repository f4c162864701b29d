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
} from '../ledger/index.ts'
import {
  checkQuorumSet,
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
  type SlotPhase,
  type Statement,
  sha256Priority,
  signingBytes,
  statementQuorumSetHash,
  type TimeoutParams,
  type Value,
} from '../scp/index.ts'
import { utf8 } from '../util/bytes.ts'
import { ok, type Result, type WattError } from '../util/errors.ts'
import { BoundedMap } from './bounded-map.ts'
import { collectCatchupBatch, type LedgerHistory, verifyArchivedLedger } from './catchup.ts'
import {
  type ArchivedLedger,
  decodeLedgerMessage,
  decodeScpMessage,
  encodeMessage,
  MAX_CATCHUP_BATCH,
} from './messages.ts'
import { createOwnEnvelopes, type OwnEnvelopeStore } from './own-envelopes.ts'
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
  /** Set before each apply: the agreed value's EXTERNALIZE signers, for the mining close step. */
  readonly signersHolder: { current: readonly string[] }
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
const REBROADCAST_MS = 1_000

export const createConsensusNode = (init: ConsensusNodeInit, p: ConsensusNodePorts) => {
  const { env } = init
  const config = env.config
  const maxTxs = config.ledgerCapacityOps
  let state = init.state
  let stopped = false
  let phase: SlotPhase = 'idle'
  let lastCloseMs: number | undefined
  let cancelNomination: (() => void) | undefined
  let lastCatchupReq = 0
  let lastCatchupRes = 0
  let applying: Promise<void> = Promise.resolve()
  const counters: Record<string, number> = {}
  const count = (k: string) => {
    counters[k] = (counters[k] ?? 0) + 1
  }
  const mempool = createMempool(config)
  const txFlood = createTxRebroadcast()
  const txSets = new BoundedMap<string, CheckedTxSet>(64)
  const pending = new BoundedMap<number, Value>(64) // externalized, waiting for their tx set
  const archive = new BoundedMap<number, ArchivedLedger>(init.archiveLimit ?? 512)
  const externalizers = new BoundedMap<number, Map<NodeId, Uint8Array>>(64)
  const qsets = new BoundedMap<string, QuorumSet>(1024)
  const nominatedAt = new BoundedMap<number, number>(64)
  const nodeQsets = new BoundedMap<NodeId, QuorumSet>(1024)
  const parked = new BoundedMap<string, { env: Envelope; bytes: Uint8Array; missing: string[] }>(256)
  const timers = new Map<string, () => void>()
  const listeners: Array<(e: ClosedEvent) => void> = []
  const validators = new Set<string>(config.validators)
  /** Whose EXTERNALIZE counts as proof here: genesis validators and those this node trusts. */
  const trusted = quorumSetNodes(init.quorumSet)
  const own = createOwnEnvelopes(
    p.ownEnvelopes,
    () => count('own_envelopes_save_failed'),
    (cid) => txSets.get(cid)?.set,
  )
  qsets.set(quorumSetHash(init.quorumSet), init.quorumSet)

  const nextSlot = () => state.header.seq + 1
  const previousValue = (): Value => utf8(cidString(state.headerCid))

  const requestCatchup = () => {
    const now = p.now()
    if (now - lastCatchupReq < CATCHUP_THROTTLE_MS) return
    lastCatchupReq = now
    count('catchup_requested')
    p.publish('ledger', encodeMessage({ type: 'catchup-req', from: nextSlot(), limit: MAX_CATCHUP_BATCH }))
  }

  const requestTxSet = (cid: string) => p.publish('scp', encodeMessage({ type: 'txset-req', cid }))

  const validateValue: ScpDriver['validateValue'] = (slot, bytes) => {
    const v = decodeLedgerValue(bytes)
    if (!v) return 'invalid'
    if (!v.signers.every((s) => validators.has(s))) return 'invalid'
    if (slot !== nextSlot()) return 'maybeValid'
    const set = txSets.get(v.txSet)
    if (!set) {
      requestTxSet(v.txSet)
      return 'maybeValid'
    }
    if (!set.set.prevHeader.equals(state.headerCid)) return 'invalid'
    if (v.closeTimeMs <= state.header.closeTimeMs || v.closeTimeMs > p.now() + MAX_DRIFT_MS) return 'invalid'
    return 'fullyValid'
  }

  const combineCandidates: ScpDriver['combineCandidates'] = (_slot, candidates) => {
    const values = candidates.map(decodeLedgerValue).filter((v): v is LedgerValue => v !== undefined)
    if (values.length === 0) return candidates[0]!
    const size = (v: LedgerValue) => txSets.get(v.txSet)?.txs.length ?? -1
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
    if (!validators.has(nodeId) && !trusted.has(nodeId)) return
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
    getQuorumSet: (h) => qsets.get(h),
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
    init.signersHolder.current = v.signers
    const r = applyLedger(state, set, { closeTimeMs: v.closeTimeMs }, env)
    init.signersHolder.current = []
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
    for (const [key, p2] of parked) if (p2.env.statement.slot <= slot) parked.delete(key)
    scp.purgeSlots(slot)
    phase = 'idle'
    const event: ClosedEvent = { closed: r.value, set, hash: cidString(r.value.headerCid), closeMs }
    for (const l of listeners) l(event)
    scheduleNomination()
    const next = pending.get(nextSlot())
    if (next) tryApply(nextSlot(), next, true)
  }

  const tryApply = (slot: number, value: Value, voted: boolean) => {
    const v = decodeLedgerValue(value)
    if (!v) return
    const set = txSets.get(v.txSet)
    if (!set) {
      pending.set(slot, value)
      requestTxSet(v.txSet)
      return
    }
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
    txSets.set(cidString(set.cid), set)
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

  /** Tx sets a statement's values name that this node does not hold yet. */
  const missingTxSets = (st: Statement): string[] => statementTxSets(st).filter((c) => !txSets.has(c))

  /** Like stellar-core's herder: an envelope waits until the tx sets it names have arrived. */
  const deliver = async (env: Envelope, bytes: Uint8Array) => {
    const st = env.statement
    if (st.slot === nextSlot()) {
      const missing = missingTxSets(st)
      if (missing.length > 0) {
        parked.set(`${st.nodeId}/${st.slot}/${st.type}`, { env, bytes, missing })
        for (const cid of missing) requestTxSet(cid)
        return
      }
    }
    const outcome = await scp.receiveEnvelope(env)
    if (outcome.status === 'rejected') count(`envelope_rejected_${outcome.code}`)
    // EXTERNALIZE of past slots still counts toward archives and uptime; verify it first
    if (st.type === 'externalize' && (outcome.status === 'accepted' || st.slot <= state.header.seq)) {
      if (
        outcome.status === 'accepted' ||
        (await driver.verify(st.nodeId, signingBytes(init.networkId, st), env.signature))
      )
        recordExternalize(st.nodeId, st.slot, bytes)
    }
  }

  const releaseParked = async (cid: string) => {
    for (const [key, p2] of [...parked]) {
      if (!p2.missing.includes(cid)) continue
      parked.delete(key)
      await deliver(p2.env, p2.bytes)
    }
  }

  const onScp = async (bytes: Uint8Array) => {
    const m = decodeScpMessage(bytes)
    if (!m) return count('scp_malformed')
    if (m.type === 'txset') {
      const r = await checkTxSet(m.set, env.protocol, p.verifier, maxTxs)
      if (!r.ok) return count('txset_invalid')
      const cid = cidString(r.value.cid)
      txSets.set(cid, r.value)
      await releaseParked(cid)
      for (const [slot, value] of pending)
        if (decodeLedgerValue(value)?.txSet === cid && slot === nextSlot()) tryApply(slot, value, true)
      return
    }
    if (m.type === 'txset-req') {
      const set = txSets.get(m.cid)
      if (set) p.publish('scp', encodeMessage({ type: 'txset', set: set.set }))
      return
    }
    if (m.type === 'validator-req') return p.onValidatorRequest?.(m)
    if (checkQuorumSet(m.qset).ok) qsets.set(quorumSetHash(m.qset), m.qset)
    const decoded = decodeEnvelope(m.env, DEFAULT_SCP_LIMITS)
    if (!decoded.ok) return count('envelope_malformed')
    const st = decoded.value.statement
    // remember who trusts whom, for the quorum health view; only a set the statement names
    if (quorumSetHash(m.qset) === statementQuorumSetHash(st)) nodeQsets.set(st.nodeId, m.qset)
    if (st.slot > nextSlot()) requestCatchup()
    await deliver(decoded.value, m.env)
  }

  const onLedger = async (bytes: Uint8Array) => {
    const m = decodeLedgerMessage(bytes)
    if (!m) return count('ledger_malformed')
    if (m.type === 'catchup-req') {
      if (m.from > state.header.seq || p.now() - lastCatchupRes < 500) return
      lastCatchupRes = p.now()
      const limit = Math.min(m.limit, MAX_CATCHUP_BATCH)
      const batch = await collectCatchupBatch(m.from, limit, (s) => archive.get(s), p.history)
      if (batch.length > 0) p.publish('ledger', encodeMessage({ type: 'catchup-res', ledgers: batch }))
      return
    }
    for (const l of m.ledgers) {
      if (l.seq !== nextSlot()) continue
      for (const q of l.qsets) if (checkQuorumSet(q).ok) qsets.set(quorumSetHash(q), q)
      const v = await verifyArchivedLedger(l, init.quorumSet, init.networkId, p.verifier)
      if (!v.ok) {
        count('catchup_rejected')
        return
      }
      const set = await checkTxSet(l.set, env.protocol, p.verifier, maxTxs)
      if (!set.ok) return count('catchup_rejected')
      txSets.set(v.value.txSet, set.value)
      for (const e of l.externalizes) {
        const d = decodeEnvelope(e, DEFAULT_SCP_LIMITS)
        if (d.ok) recordExternalize(d.value.statement.nodeId, l.seq, e)
      }
      const done = applying.then(() => applyValue(l.seq, l.value, set.value, false))
      applying = done.catch(() => count('commit_failed'))
      await applying
      count('caught_up')
    }
  }

  return {
    /** Restores this validator's own statements of the current slot, if saved, then runs. */
    async start() {
      if (init.isValidator) {
        const slot = nextSlot()
        const saved = await own.load(slot)
        for (const s of saved.txSets) {
          const c = await checkTxSet(s, env.protocol, p.verifier, maxTxs)
          if (c.ok && c.value.set.prevHeader.equals(state.headerCid))
            txSets.set(cidString(c.value.cid), c.value)
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
    receive(kind: GossipKind, bytes: Uint8Array): Promise<void> {
      if (stopped) return Promise.resolve()
      if (kind === 'scp') return onScp(bytes)
      if (kind === 'ledger') return onLedger(bytes)
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
