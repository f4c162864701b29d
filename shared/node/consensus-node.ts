// The consensus node: real SCP over the real ledger, with every outside fact (clock, timers,
// gossip, persistence, keys) coming in through ports (herder-types.ts), so the very same code
// runs in the browser core, in Node tests and in the simulator. This file only composes the
// parts, each with one job: the SCP driver (scp-driver.ts), what the `scp` topic brings
// (scp-intake.ts: envelopes waiting for tx sets, the tx-set pool), the applier, the nominator,
// catch-up served (catchup-server.ts) and consumed (catchup-client.ts), and mempool admission
// with flooding (tx-admission.ts). See docs/consensus-node.md.
import { cidString } from '../codec/dag-cbor.ts'
import {
  checkTxSet,
  type ClosedLedger,
  type LedgerState,
  type TxSet,
  validatorSetAt,
} from '../ledger/index.ts'
import {
  createScp,
  encodeEnvelope,
  type Envelope,
  type NodeId,
  type QuorumSet,
  quorumSetHash,
  quorumSetNodes,
  type SlotPhase,
  signingBytes,
} from '../scp/index.ts'
import { createRateLimiter } from '../util/rate-limit.ts'
import { createApplier } from './applier.ts'
import { createCatchupClient } from './catchup-client.ts'
import { proofSigners, verifyProof } from './close-proof.ts'
import { createCatchupServer } from './catchup-server.ts'
import { createCloseProofs } from './close-proofs.ts'
import { createCounters } from './counters.ts'
import type {
  ClosedEvent,
  ConsensusNodeInit,
  ConsensusNodePorts,
  GossipKind,
  NodeView,
} from './herder-types.ts'
import { decodeLedgerMessage, encodeMessage } from './messages.ts'
import { createNominator } from './nominator.ts'
import { createOwnEnvelopes } from './own-envelopes.ts'
import { createPendingEnvelopes } from './pending-envelopes.ts'
import { createQuorumSetBook } from './quorum-set-book.ts'
import { createScpDriver } from './scp-driver.ts'
import { createScpIntake } from './scp-intake.ts'
import { createTxAdmission } from './tx-admission.ts'
import { createTxSetPool } from './tx-set-pool.ts'

export type { ClosedEvent, ConsensusNodeInit, ConsensusNodePorts, GossipKind } from './herder-types.ts'

/** Catch-up requests answered per source (connection) per second (burst twice that). */
const CATCHUP_REQUESTS_PER_SOURCE = 1

export const createConsensusNode = (init: ConsensusNodeInit, p: ConsensusNodePorts) => {
  const counters = createCounters()
  const { count } = counters
  let stopped = false
  let phase: SlotPhase = 'idle'
  // parts reach each other through closures: none calls another while being built
  const view: NodeView = {
    init,
    ports: p,
    ledger: () => applier.current(),
    nextSlot: () => applier.current().header.seq + 1,
    count,
    stopped: () => stopped,
  }
  // the validator set in force for the next ledger is ledger state (issue 11, item 3)
  let inForce: { readonly state: LedgerState; readonly set: ReadonlySet<string> } | undefined
  const validators = (): ReadonlySet<string> => {
    const state = view.ledger()
    if (inForce?.state !== state) inForce = { state, set: new Set(validatorSetAt(state)) }
    return inForce.set
  }
  const trusted = quorumSetNodes(init.quorumSet)
  const proofs = createCloseProofs(
    (n: NodeId) => validators().has(n) || trusted.has(n),
    (slot) => applier.proofAdded(slot),
  )
  const qsets = createQuorumSetBook(init.nodeId, init.quorumSet)
  const checkSet = (set: TxSet) =>
    checkTxSet(set, init.env.protocol, p.verifier, init.env.config.ledgerCapacityOps)
  const pool = createTxSetPool({
    now: p.now,
    check: (set) => checkPeerSet(set),
    ask: (cid) => p.publish('scp', encodeMessage({ type: 'txset-req', cid })),
    count,
  })
  /**
   * A set from a peer: its txs, every entry of its close proof (issue 11, item 2), and, for a set
   * of the next slot, that the proof credits only validators that signed this very ledger.
   */
  const checkPeerSet = async (set: TxSet) => {
    const c = await checkSet(set)
    const proof = c.ok ? await verifyProof(set, verify, proofs) : c
    const state = view.ledger()
    const credits =
      proof.ok && set.prevHeader.equals(state.headerCid)
        ? proofSigners(set, state, validators(), proofs)
        : proof
    if (!credits.ok && credits.error.code.startsWith('proof_')) count(`txset_${credits.error.code}`)
    return credits.ok ? c : credits
  }
  const waiting = createPendingEnvelopes()
  const txs = createTxAdmission(view)
  const own = createOwnEnvelopes(
    p.ownEnvelopes,
    () => count('own_envelopes_save_failed'),
    (cid) => pool.get(cid)?.set,
    init.quorumSet,
  )
  const applier = createApplier({
    view,
    pool,
    proofs: () => proofs,
    qsets,
    startedAt: (slot) => nominator.startedAt(slot),
    afterClose: (e) => closed(e.closed),
  })
  const { driver, clearTimers } = createScpDriver({
    view,
    validators,
    pool,
    applier,
    proofs,
    qsets,
    own,
    behind: () => catchup.ask(),
    phase: (slot, ph) => {
      if (slot === view.nextSlot()) phase = ph
    },
  })
  const scp = createScp({
    nodeId: init.nodeId,
    quorumSet: init.quorumSet,
    isValidator: init.isValidator,
    networkId: init.networkId,
    driver,
  })
  const nominator = createNominator({
    view,
    qsets,
    scp,
    pool,
    mempool: txs.mempool,
    proofs,
    validators,
    stuck: () => catchup.ask(),
  })
  const verify = (env: Envelope) =>
    driver.verify(env.statement.nodeId, signingBytes(init.networkId, env.statement), env.signature)
  const intake = createScpIntake({
    view,
    scp,
    pool,
    waiting,
    qsets,
    proofs,
    applier,
    verify,
    behind: () => catchup.ask(),
  })
  const catchup = createCatchupClient({ view, applier, proofs, qsets })
  const server = createCatchupServer(init.nodeId, {
    now: p.now,
    setTimer: p.setTimer,
    publish: (data) => p.publish('ledger', data),
    seq: () => view.ledger().header.seq,
    memory: (s) => applier.archived(s),
    history: p.history,
    count,
  })
  const catchupRequests = createRateLimiter(
    CATCHUP_REQUESTS_PER_SOURCE,
    2 * CATCHUP_REQUESTS_PER_SOURCE,
    p.now,
  )

  /** What the other parts do once a ledger closed. */
  function closed(l: ClosedLedger) {
    const slot = l.header.seq
    txs.closed(slot, l.state, l.results)
    pool.closed(slot)
    waiting.closed(slot)
    scp.purgeSlots(slot)
    phase = 'idle'
    nominator.schedule()
    for (const cid of waiting.missingFor(slot + 1)) pool.want(cid, slot + 1)
    void intake.opened(slot + 1)
  }

  const onLedger = async (bytes: Uint8Array, source: string) => {
    const m = decodeLedgerMessage(bytes)
    if (!m) return count('ledger_malformed')
    if (m.type === 'catchup-req') {
      if (!catchupRequests.allow(source)) return count('catchup_req_throttled')
      return server.request(m.from, m.limit)
    }
    server.heard(m.ledgers)
    await catchup.answered(m.ledgers)
  }

  /** A validator restarted mid-slot resumes from its saved statements and the sets they name. */
  const restoreOwn = async () => {
    const slot = view.nextSlot()
    const saved = await own.load(slot)
    const state = view.ledger()
    for (const s of saved.txSets) {
      // its close proof is verified again: what this node verified before died with the page
      const c = await checkPeerSet(s)
      if (c.ok && c.value.set.prevHeader.equals(state.headerCid)) pool.hold(slot, c.value)
      else count('restored_txset_invalid')
    }
    if (saved.envelopes.length === 0) return
    // statements said under an earlier quorum set (before an admission) name it: keep it known
    if (saved.qset) qsets.file(quorumSetHash(saved.qset), saved.qset)
    const r = await scp.restore(slot, saved.envelopes)
    counters.set('restored_envelopes', r.restored)
    for (const e of saved.envelopes) own.emitted(e, encodeEnvelope(e))
    // SCP restores an EXTERNALIZE silently; the ledger it names was not committed yet
    const ext = saved.envelopes.find((e) => e.statement.type === 'externalize')?.statement
    if (ext?.type === 'externalize' && phase === 'externalize') applier.externalized(slot, ext.commit.value)
  }

  return {
    /** Restores this validator's own statements of the current slot, if saved, then runs. */
    async start() {
      if (init.isValidator) await restoreOwn()
      if (stopped) return
      nominator.schedule()
      catchup.ask()
      nominator.startRebroadcast()
    },
    stop() {
      stopped = true
      nominator.stop()
      clearTimers()
    },
    /**
     * A gossip message heard from `source`: the connection it arrived on (a direct peer or the
     * relay), the unit per-peer budgets count in, never the message's claimed author.
     */
    receive(kind: GossipKind, bytes: Uint8Array, source = ''): Promise<void> {
      if (stopped) return Promise.resolve()
      if (kind === 'scp') return intake.receive(bytes, source)
      if (kind === 'ledger') return onLedger(bytes, source)
      return txs.admit(bytes, false).then(() => {})
    },
    /** A transaction submitted on this node: admitted to the mempool, then flooded. */
    submit: (bytes: Uint8Array) => txs.admit(bytes, true),
    onClosed: (l: (e: ClosedEvent) => void) => applier.onClosed(l),
    current: () => view.ledger(),
    status: () => ({
      seq: view.ledger().header.seq,
      hash: cidString(view.ledger().headerCid),
      phase,
      lastCloseMs: applier.lastCloseMs(),
      role: init.isValidator ? ('validator' as const) : ('watcher' as const),
      /** Nodes whose EXTERNALIZE of the previous ledger this node holds (its quorum's proof). */
      externalizedBy: proofs.signers(view.ledger().header.seq - 1),
      mempool: txs.mempool.size,
      counters: counters.snapshot(),
      scp: scp.stats(),
    }),
    pendingTxs: () => txs.mempool.pending(),
    /** Resolves once no apply is in flight and own envelopes written so far are persisted. */
    async settled() {
      await applier.settled()
      await own.flushed()
    },
    /** The latest quorum set each node announced, this node's own included. */
    knownQuorumSets: (): Map<NodeId, QuorumSet> => qsets.announcements(),
  }
}

export type ConsensusNode = ReturnType<typeof createConsensusNode>
