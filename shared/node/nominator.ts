// A validator's part in each slot: at the close interval it builds a tx set from its mempool
// (surge pricing) with the close proof of the previous ledger (the validators' EXTERNALIZEs it
// holds), floods it just before nominating a value naming it and the upgrades scheduled here. A slot that does not close in
// four intervals is nominated again (and catch-up asked for). SCP emits only on change, so the
// validator re-sends its latest own envelopes every second: gossip loss is repaired that way.
import { cidString } from '../codec/dag-cbor.ts'
import { coreModule, MAX_TX_SET_BYTES, makeTxSet, type Mempool, paramsAt } from '../ledger/index.ts'
import { encodeEnvelope, type Scp, statementQuorumSetHash } from '../scp/index.ts'
import { utf8 } from '../util/bytes.ts'
import { BoundedMap } from './bounded-map.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { NodeView } from './herder-types.ts'
import type { QuorumSetBook } from './quorum-set-book.ts'
import { encodeMessage } from './messages.ts'
import type { TxSetPool } from './tx-set-pool.ts'
import { proofFor } from './close-proof.ts'
import { upgradesToNominate } from './upgrades.ts'
import { encodeLedgerValue } from './value.ts'

export const REBROADCAST_MS = 1_000
/** Close intervals a slot may take before this node nominates again. */
const RENOMINATE_AFTER_INTERVALS = 4

export interface NominatorDeps {
  readonly view: NodeView
  readonly qsets: QuorumSetBook
  readonly scp: Scp
  readonly pool: TxSetPool
  readonly mempool: Mempool
  readonly proofs: CloseProofs
  readonly validators: () => ReadonlySet<string>
  /** The slot is taking long: catch-up may help. */
  readonly stuck: () => void
}

export const createNominator = (d: NominatorDeps) => {
  const { view } = d
  const { init, ports: p } = view
  const config = init.env.config
  const startedAt = new BoundedMap<number, number>(64)
  let cancel: (() => void) | undefined
  const every = init.rebroadcastMs ?? REBROADCAST_MS

  const nominate = () => {
    cancel = undefined
    if (view.stopped() || !init.isValidator) return
    const slot = view.nextSlot()
    const state = view.ledger()
    const proof = proofFor(d.proofs, slot - 1, d.validators())
    const { freeTxsPerLedger } = paramsAt(state, coreModule)
    const set = makeTxSet(
      state.headerCid,
      d.mempool.select(config.ledgerCapacityOps, freeTxsPerLedger, MAX_TX_SET_BYTES),
      proof,
    )
    d.pool.hold(slot, set)
    p.publish('scp', encodeMessage({ type: 'txset', set: set.set }))
    const closeTimeMs = Math.max(p.now(), state.header.closeTimeMs + 1)
    const upgrades = upgradesToNominate(init.upgrades, state, init.env.protocol, p.now())
    if (!startedAt.has(slot)) startedAt.set(slot, p.now())
    const value = encodeLedgerValue({ txSet: cidString(set.cid), closeTimeMs, upgrades })
    d.scp.nominate(slot, value, utf8(cidString(state.headerCid)))
    cancel = p.setTimer(config.closeIntervalMs * RENOMINATE_AFTER_INTERVALS, () => {
      if (view.nextSlot() !== slot) return
      d.stuck()
      nominate()
    })
  }

  const rebroadcast = () => {
    if (view.stopped()) return
    p.setTimer(every, rebroadcast)
    for (const slot of [view.nextSlot(), view.nextSlot() - 1]) {
      for (const e of d.scp.getState(slot)?.envelopes ?? []) {
        if (e.statement.nodeId !== init.nodeId) continue
        // a statement restored from before a quorum-set change goes with the set it names
        const qset = d.qsets.get(statementQuorumSetHash(e.statement)) ?? init.quorumSet
        p.publish('scp', encodeMessage({ type: 'envelope', env: encodeEnvelope(e), qset }))
      }
    }
  }

  return {
    startedAt: (slot: number) => startedAt.get(slot),
    /** Nominates at the next close time (the last close + the interval). */
    schedule() {
      cancel?.()
      const due = view.ledger().header.closeTimeMs + config.closeIntervalMs - p.now()
      cancel = p.setTimer(Math.max(0, due), nominate)
    },
    startRebroadcast() {
      if (init.isValidator) p.setTimer(every, rebroadcast)
    },
    stop() {
      cancel?.()
    },
  }
}
