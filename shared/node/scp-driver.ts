// The node's answers to SCP (its one driver port): signatures through the signer and verifier
// ports, values validated against the ledger and the held tx sets, candidates combined by the
// rules of value.ts, timers on the node's clock, emitted envelopes published and remembered.
import { parseAddress } from '../crypto/address.ts'
import {
  DEFAULT_TIMEOUTS,
  encodeEnvelope,
  linearTimeout,
  type ScpDriver,
  type SlotPhase,
  sha256Priority,
} from '../scp/index.ts'
import type { Applier } from './applier.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { NodeView } from './herder-types.ts'
import { encodeMessage } from './messages.ts'
import type { OwnEnvelopes } from './own-envelopes.ts'
import type { QuorumSetBook } from './quorum-set-book.ts'
import type { TxSetPool } from './tx-set-pool.ts'
import { proofSigners } from './close-proof.ts'
import { combineUpgrades, upgradesAcceptable } from './upgrades.ts'
import { decodeLedgerValue, encodeLedgerValue, type LedgerValue } from './value.ts'

/** A close time further than this ahead of the local clock makes a value invalid. */
export const MAX_DRIFT_MS = 10_000

export interface DriverDeps {
  readonly view: NodeView
  readonly validators: () => ReadonlySet<string>
  readonly pool: TxSetPool
  readonly applier: Applier
  readonly proofs: CloseProofs
  readonly qsets: QuorumSetBook
  readonly own: OwnEnvelopes
  /** The externalized slot is ahead of this node: it should catch up. */
  readonly behind: () => void
  readonly phase: (slot: number, phase: SlotPhase) => void
}

/** SCP timers keyed by slot and kind, cancelled together when the node stops. */
const createTimers = (view: NodeView) => {
  const timers = new Map<string, () => void>()
  const cancel: ScpDriver['cancelTimer'] = (slot, kind) => {
    const key = `${slot}/${kind}`
    timers.get(key)?.()
    timers.delete(key)
  }
  const set: ScpDriver['setTimer'] = (slot, kind, ms, cb) => {
    cancel(slot, kind)
    const key = `${slot}/${kind}`
    const fire = () => {
      timers.delete(key)
      if (!view.stopped()) cb()
    }
    timers.set(key, view.ports.setTimer(ms, fire))
  }
  const clear = () => {
    for (const c of timers.values()) c()
    timers.clear()
  }
  return { set, cancel, clear }
}

/** Public keys of node ids seen, so a signature check does not decode the address again. */
const createKeyCache = (limit = 4096) => {
  const keys = new Map<string, Uint8Array | null>()
  return (nodeId: string): Uint8Array | null => {
    let k = keys.get(nodeId)
    if (k === undefined) {
      const pk = parseAddress(nodeId)
      k = pk.ok ? pk.value : null
      if (keys.size >= limit) keys.clear()
      keys.set(nodeId, k)
    }
    return k
  }
}

export const createScpDriver = (d: DriverDeps) => {
  const { view } = d
  const { init, ports: p } = view
  const timers = createTimers(view)
  const keyOf = createKeyCache()

  const validateValue: ScpDriver['validateValue'] = (slot, bytes, nomination) => {
    const v = decodeLedgerValue(bytes)
    if (!v) return 'invalid'
    if (slot !== view.nextSlot()) return 'maybeValid'
    if (!d.pool.want(v.txSet, slot)) return 'maybeValid'
    const state = view.ledger()
    const set = d.pool.get(v.txSet)!.set
    if (!set.prevHeader.equals(state.headerCid)) return 'invalid'
    if (v.closeTimeMs <= state.header.closeTimeMs || v.closeTimeMs > p.now() + MAX_DRIFT_MS) return 'invalid'
    const proof = proofSigners(set, state, d.validators(), d.proofs)
    if (!proof.ok) {
      view.count(`value_${proof.error.code}`)
      return proof.error.code === 'proof_unverified' ? 'maybeValid' : 'invalid'
    }
    const protocol = init.env.protocol
    if (!upgradesAcceptable(v.upgrades, state, protocol, init.upgrades, nomination)) return 'invalid'
    return 'fullyValid'
  }

  /** The best tx set (most txs, then the fullest close proof, then the higher CID), the latest close time. */
  const combineCandidates: ScpDriver['combineCandidates'] = (_slot, candidates) => {
    const values = candidates.map(decodeLedgerValue).filter((v): v is LedgerValue => v !== undefined)
    if (values.length === 0) return candidates[0]!
    const rank = (v: LedgerValue): [number, number, string] => {
      const set = d.pool.get(v.txSet)
      return [set?.txs.length ?? -1, set?.set.proof.length ?? -1, v.txSet]
    }
    const better = (a: LedgerValue, b: LedgerValue) => {
      const [x, y] = [rank(a), rank(b)]
      return y[0] > x[0] || (y[0] === x[0] && (y[1] > x[1] || (y[1] === x[1] && y[2] > x[2]))) ? b : a
    }
    const best = values.reduce(better)
    const upgrades = combineUpgrades(
      values.map((v) => v.upgrades),
      best.upgrades,
      view.ledger(),
      init.env.protocol,
    )
    return encodeLedgerValue({
      txSet: best.txSet,
      closeTimeMs: Math.max(...values.map((v) => v.closeTimeMs)),
      upgrades,
    })
  }

  const driver: ScpDriver = {
    sign: (m) => p.signer.sign(m),
    verify: async (nodeId, m, s) => {
      const pk = keyOf(nodeId)
      return pk !== null && (await p.verifier.verify(pk, m, s))
    },
    emit: (envelope) => {
      const bytes = encodeEnvelope(envelope)
      d.own.emitted(envelope, bytes)
      if (envelope.statement.type === 'externalize')
        d.proofs.record(init.nodeId, envelope.statement.slot, bytes)
      p.publish('scp', encodeMessage({ type: 'envelope', env: bytes, qset: init.quorumSet }))
    },
    validateValue,
    combineCandidates,
    extractValidValue: () => undefined,
    getQuorumSet: (h) => d.qsets.get(h),
    setTimer: timers.set,
    cancelTimer: timers.cancel,
    computeTimeout: linearTimeout(init.timeouts ?? DEFAULT_TIMEOUTS),
    ...sha256Priority,
    valueExternalized: (slot, value) => {
      p.onExternalized?.(slot, value)
      if (d.applier.externalized(slot, value) === 'ahead') d.behind()
    },
    onEvent: (e) => {
      if (e.type === 'phase') d.phase(e.slot, e.phase)
      if (e.type === 'rejected') view.count(`scp_rejected_${e.code}`)
    },
  }
  return { driver, clearTimers: timers.clear }
}
