// Applying what consensus agreed: one ledger at a time, in order. An externalized value is
// applied once its tx set is held (else it waits and the set is fetched); each closed ledger is
// committed through the port before the node moves on, archived with its EXTERNALIZE proof for
// catch-up and handed to durable history at once (a node restarted right after a close can
// still serve that ledger), and handed again when a late proof makes its proof larger.
import { cidString } from '../codec/dag-cbor.ts'
import { applyLedger, type CheckedTxSet, type LedgerEnv, type LedgerState } from '../ledger/index.ts'
import type { Value } from '../scp/index.ts'
import { BoundedMap } from './bounded-map.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { ClosedEvent, NodeView } from './herder-types.ts'
import type { ArchivedLedger } from './messages.ts'
import type { QuorumSetBook } from './quorum-set-book.ts'
import type { TxSetPool } from './tx-set-pool.ts'
import { proofNodes } from './close-proof.ts'
import { decodeLedgerValue, type LedgerValue } from './value.ts'

/** Externalized values of later slots, waiting for the ones before them. */
const MAX_PENDING_VALUES = 64
/** Quorum sets shipped with an archived ledger. */
const ARCHIVED_QSETS = 64

export interface ApplierDeps {
  readonly view: Pick<NodeView, 'init' | 'ports' | 'count'>
  readonly pool: TxSetPool
  readonly proofs: () => CloseProofs
  readonly qsets: QuorumSetBook
  /** When this node started voting on `slot` (for the close time it reports). */
  readonly startedAt: (slot: number) => number | undefined
  /** Bookkeeping of the other parts once a ledger closed, before listeners hear of it. */
  readonly afterClose: (e: ClosedEvent) => void
}

/** What closing `value` with `set` on `state` gives (pure: nothing is committed), or why not. */
export const closeWith = (state: LedgerState, value: LedgerValue, set: CheckedTxSet, env: LedgerEnv) =>
  applyLedger(
    state,
    set,
    { closeTimeMs: value.closeTimeMs, signers: proofNodes(set.set), upgrades: value.upgrades },
    env,
  )

export const createApplier = (d: ApplierDeps) => {
  const { init, ports: p, count } = d.view
  let state: LedgerState = init.state
  let applying: Promise<void> = Promise.resolve()
  let lastCloseMs: number | undefined
  const pending = new BoundedMap<number, Value>(MAX_PENDING_VALUES)
  const archive = new BoundedMap<number, ArchivedLedger>(init.archiveLimit ?? 512)
  const listeners: Array<(e: ClosedEvent) => void> = []
  const nextSlot = () => state.header.seq + 1

  const save = (l: ArchivedLedger) => {
    p.history?.save(l).catch(() => count('history_save_failed'))
  }

  const archiveClosed = (slot: number, value: Value, set: CheckedTxSet) => {
    archive.set(slot, {
      seq: slot,
      value,
      set: set.set,
      externalizes: d.proofs().envelopes(slot),
      qsets: d.qsets.some(ARCHIVED_QSETS),
    })
    save(archive.get(slot)!)
  }

  const applyValue = async (slot: number, value: Value, set: CheckedTxSet, voted: boolean) => {
    const v = decodeLedgerValue(value)
    if (!v || slot !== nextSlot()) return
    const r = closeWith(state, v, set, init.env)
    if (!r.ok) {
      count(`apply_failed_${r.error.code}`)
      p.log?.(`consensus: value for ${slot} does not apply: ${r.error.code}`)
      return
    }
    await p.commit(r.value, set)
    state = r.value.state
    const started = d.startedAt(slot)
    const closeMs = voted && started !== undefined ? p.now() - started : undefined
    if (closeMs !== undefined) lastCloseMs = closeMs
    archiveClosed(slot, value, set)
    pending.delete(slot)
    const event: ClosedEvent = { closed: r.value, set, hash: cidString(r.value.headerCid), closeMs }
    d.afterClose(event)
    for (const l of listeners) l(event)
    const next = pending.get(nextSlot())
    if (next) tryApply(nextSlot(), next, true)
  }

  const enqueue = (run: () => Promise<void>) => {
    applying = applying.then(run).catch((e) => {
      count('commit_failed')
      p.log?.(`consensus: commit failed: ${String(e)}`)
    })
    return applying
  }

  /** Applies `value` for `slot` once its tx set is held; until then it waits and is fetched. */
  const tryApply = (slot: number, value: Value, voted: boolean) => {
    const v = decodeLedgerValue(value)
    if (!v) return
    if (!d.pool.want(v.txSet, slot)) {
      pending.set(slot, value)
      return
    }
    const set = d.pool.get(v.txSet)!
    void enqueue(() => applyValue(slot, value, set, voted))
  }

  return {
    current: () => state,
    lastCloseMs: () => lastCloseMs,
    /** SCP externalized `value` for `slot`: apply it now, or keep it until the slots before close. */
    externalized(slot: number, value: Value): 'applying' | 'ahead' | 'past' {
      if (slot < nextSlot()) return 'past'
      if (slot > nextSlot()) {
        pending.set(slot, value)
        return 'ahead'
      }
      tryApply(slot, value, true)
      return 'applying'
    },
    /** The tx set `cid` is held now: a value waiting for it at the next slot can apply. */
    setArrived(cid: string) {
      const value = pending.get(nextSlot())
      if (value && decodeLedgerValue(value)?.txSet === cid) tryApply(nextSlot(), value, true)
    },
    /** A ledger caught up from a peer (already verified): applied in order, not voted. */
    caughtUp: (seq: number, value: Value, set: CheckedTxSet) =>
      enqueue(() => applyValue(seq, value, set, false)),
    /** A proof arrived for `slot`: an archived ledger takes the larger list. */
    proofAdded(slot: number) {
      const a = archive.get(slot)
      const proofs = d.proofs().envelopes(slot)
      if (!a || a.externalizes.length >= proofs.length) return
      const grown = { ...a, externalizes: proofs }
      archive.set(slot, grown)
      save(grown)
    },
    archived: (seq: number): ArchivedLedger | undefined => archive.get(seq),
    /** Resolves once no apply is in flight. */
    async settled() {
      for (let seen: Promise<void> | undefined; seen !== applying; ) {
        seen = applying
        await seen
      }
    },
    onClosed(l: (e: ClosedEvent) => void) {
      listeners.push(l)
      return () => listeners.splice(listeners.indexOf(l) >>> 0, 1)
    },
  }
}

export type Applier = ReturnType<typeof createApplier>
