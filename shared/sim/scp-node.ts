// A simulated validator: the real SCP state machine and the real ledger (applyLedger over the
// operation registry, mining included) behind the simulator's host, with timers on the virtual
// clock. Every closed ledger is committed to the node's own in-memory ledger store (the
// ledger's store port); after a crash the state is reloaded from it and checked against the
// header's state root, and SCP restores the current slot's saved envelopes. Shortcuts, stated: tx sets
// travel through the run's shared pool keyed by CID (not over the simulated network), and a
// node more than a ledger behind catches up from the run's history archive, which only
// honest nodes write (stellar-core catches up from history archives the same way).
import { cidString, decode, encode } from '../codec/dag-cbor.ts'
import { applyLedger } from '../ledger/apply.ts'
import type { LedgerEnv } from '../ledger/apply.ts'
import type { LedgerHeader } from '../ledger/header.ts'
import { createMemoryLedgerStore } from '../ledger/memory-store.ts'
import { type LedgerState, totalSupply } from '../ledger/state.ts'
import { type LedgerRecord, stateFromLoaded } from '../ledger/store.ts'
import { type CheckedTxSet, makeTxSet } from '../ledger/tx-set.ts'
import {
  createScp,
  type Envelope,
  linearTimeout,
  type NodeId,
  type QuorumSet,
  type Scp,
  type ScpDriver,
  sha256Priority,
  type TimeoutParams,
  type Value,
} from '../scp/index.ts'
import { toHex } from '../util/bytes.ts'
import type { SimNodeFactory } from './node-host.ts'
import { simSignature, simVerify } from './sim-crypto.ts'
import type { DayRecorder } from './day-recorder.ts'
import type { Workload } from './workload.ts'

/** Everything the nodes of one run share: genesis, identities, quorum sets, tx set pool, archive. */
export interface ScpWorld {
  readonly env: LedgerEnv
  readonly genesis: LedgerState
  /** Genesis as the first record of every node's store. */
  readonly genesisRecord: LedgerRecord
  readonly networkId: Uint8Array
  readonly nodeIds: readonly NodeId[]
  readonly publicKeys: ReadonlyMap<NodeId, Uint8Array>
  /** The quorum set each node runs with (after any test mutation). */
  readonly quorumSets: readonly QuorumSet[]
  readonly quorumSetsByHash: ReadonlyMap<string, QuorumSet>
  readonly txSets: BoundedPool<CheckedTxSet>
  /** slot -> value externalized by an honest node (the history archive). */
  readonly archive: Map<number, Value>
  readonly workload: Workload | undefined
  readonly timeouts: TimeoutParams
  readonly rebroadcastMs: number
  /** The node whose closes drive the workload and whose state is audited for supply. */
  readonly referenceNode: number
  /** Records the reference node's days for export (when mining runs). */
  readonly days: DayRecorder | undefined
  /** The reference node's last closed state (written by that node). */
  readonly reference: { state: LedgerState }
  /** No slot above this is nominated (0: no limit). */
  readonly maxSlot: number
}

/** A map that forgets its oldest entries beyond `limit`. */
export class BoundedPool<T> {
  readonly #items = new Map<string, T>()
  readonly #limit: number
  constructor(limit: number) {
    this.#limit = limit
  }
  get(k: string): T | undefined {
    return this.#items.get(k)
  }
  set(k: string, v: T): void {
    if (this.#items.has(k)) return
    this.#items.set(k, v)
    if (this.#items.size > this.#limit) this.#items.delete(this.#items.keys().next().value!)
  }
}

export const GENESIS_VALUE: Value = encode('genesis')
const MAX_DRIFT_MS = 10_000

interface Proposal {
  readonly txSet: string
  readonly closeTimeMs: number
}

const encodeValue = (p: Proposal): Value => encode([p.txSet, p.closeTimeMs])
const decodeValue = (v: Value): Proposal | undefined => {
  const d = decode<unknown>(v, 512)
  if (!d.ok || !Array.isArray(d.value) || d.value.length !== 2) return undefined
  const [txSet, closeTimeMs] = d.value as unknown[]
  if (typeof txSet !== 'string' || typeof closeTimeMs !== 'number' || !Number.isSafeInteger(closeTimeMs))
    return undefined
  return { txSet, closeTimeMs }
}

/** The volatile ledger view (rebuilt from the store after a crash) and the SCP envelopes kept on disk. */
interface NodeMemory {
  state: LedgerState
  lastValue: Value
  envelopes: Envelope[]
}

/** Closed ledgers whose header, tx set and results each node's store keeps (state is whole). */
const RETAIN_LEDGERS = 16

/** The consensus value a header was closed with (the value is [txSetCid, closeTimeMs]). */
const valueOfHeader = (h: LedgerHeader): Value =>
  h.seq <= 1 ? GENESIS_VALUE : encodeValue({ txSet: h.txSet.toString(), closeTimeMs: h.closeTimeMs })

export const scpNodeFactory =
  (world: ScpWorld): SimNodeFactory<Envelope> =>
  (host, variant) => {
    const nodeId = world.nodeIds[host.index]!
    const publicKey = world.publicKeys.get(nodeId)!
    const config = world.env.config
    const disk: NodeMemory = { state: world.genesis, lastValue: GENESIS_VALUE, envelopes: [] }
    const store = createMemoryLedgerStore(RETAIN_LEDGERS)
    let writes: Promise<void> = store.commit(world.genesisRecord)
    let crashed = false
    let scp: Scp | undefined
    const timers = new Map<string, () => void>()
    let cancelNomination: (() => void) | undefined
    let lastCloseAt = 0

    const nowMs = () => config.genesisTimeMs + host.now()
    const nextSlot = () => disk.state.header.seq + 1

    const validateValue: ScpDriver['validateValue'] = (slot, value) => {
      const p = decodeValue(value)
      if (p === undefined) return 'invalid'
      if (slot !== nextSlot()) return 'maybeValid'
      const set = world.txSets.get(p.txSet)
      if (set === undefined || !set.set.prevHeader.equals(disk.state.headerCid)) return 'invalid'
      if (p.closeTimeMs <= disk.state.header.closeTimeMs || p.closeTimeMs > nowMs() + MAX_DRIFT_MS)
        return 'invalid'
      return 'fullyValid'
    }

    const combineCandidates: ScpDriver['combineCandidates'] = (_slot, candidates) => {
      let best: Proposal | undefined
      let bestTxs = -1
      let closeTimeMs = 0
      for (const c of candidates) {
        const p = decodeValue(c)
        if (p === undefined) continue
        closeTimeMs = Math.max(closeTimeMs, p.closeTimeMs)
        const n = world.txSets.get(p.txSet)?.txs.length ?? -1
        if (n > bestTxs || (n === bestTxs && best !== undefined && p.txSet > best.txSet)) {
          best = p
          bestTxs = n
        }
      }
      return best === undefined ? candidates[0]! : encodeValue({ txSet: best.txSet, closeTimeMs })
    }

    const persistEnvelopes = (slot: number) => {
      disk.envelopes = scp?.getState(slot)?.envelopes ?? []
    }

    const apply = (slot: number, value: Value): boolean => {
      const p = decodeValue(value)
      const set = p && world.txSets.get(p.txSet)
      if (p === undefined || set === undefined) return false
      const r = applyLedger(
        disk.state,
        set,
        { closeTimeMs: p.closeTimeMs, signers: [], upgrades: [] },
        world.env,
      )
      if (!r.ok)
        throw new Error(`node ${host.index}: externalized value does not apply at ${slot}: ${r.error.code}`)
      const prevHash = cidString(disk.state.headerCid)
      writes = store.commit({
        header: r.value.header,
        txSet: set.set,
        results: r.value.results,
        changes: r.value.changes,
      })
      disk.state = r.value.state
      disk.lastValue = value
      disk.envelopes = []
      lastCloseAt = host.now()
      const audit = host.index === world.referenceNode
      host.closed({
        seq: r.value.header.seq,
        hash: cidString(r.value.headerCid),
        prevHash,
        ...(audit ? { supply: { totalCoins: config.supplyCap, accounted: totalSupply(disk.state) } } : {}),
      })
      if (audit) {
        world.reference.state = disk.state
        world.days?.closed(
          r.value.header,
          cidString(r.value.headerCid),
          set.txs.map((t) => t.id),
        )
        world.workload?.observe(disk.state, host.now())
      }
      return true
    }

    /** Applies archived ledgers up to (not including) `slot`; false if the archive has a gap. */
    const catchUp = (slot: number): boolean => {
      while (nextSlot() < slot) {
        const v = world.archive.get(nextSlot())
        if (v === undefined || !apply(nextSlot(), v)) return false
      }
      return true
    }

    const afterClose = () => {
      scp?.purgeSlots(nextSlot() - 1)
      scheduleNomination()
    }

    const externalized = (slot: number, value: Value) => {
      host.externalized(slot, toHex(value))
      if (variant === 0 && !world.archive.has(slot)) world.archive.set(slot, value)
      if (slot < nextSlot() || !catchUp(slot)) return
      if (apply(slot, value)) afterClose()
    }

    const driver: ScpDriver = {
      sign: async (m) => simSignature(publicKey, m),
      verify: async (id, m, s) => {
        const pk = world.publicKeys.get(id)
        return pk !== undefined && simVerify(pk, m, s)
      },
      emit: (env) => {
        host.broadcast(env)
        persistEnvelopes(env.statement.slot)
      },
      validateValue,
      combineCandidates,
      extractValidValue: () => undefined,
      getQuorumSet: (h) => world.quorumSetsByHash.get(h),
      setTimer: (slot, kind, ms, cb) => {
        const key = `${slot}/${kind}`
        timers.get(key)?.()
        timers.set(
          key,
          host.setTimer(ms, () => {
            timers.delete(key)
            cb()
            return scp?.flush()
          }),
        )
      },
      cancelTimer: (slot, kind) => {
        const key = `${slot}/${kind}`
        timers.get(key)?.()
        timers.delete(key)
      },
      computeTimeout: linearTimeout(world.timeouts),
      ...sha256Priority,
      valueExternalized: externalized,
    }

    const nominate = () => {
      cancelNomination = undefined
      if (scp === undefined || (world.maxSlot > 0 && nextSlot() > world.maxSlot)) return undefined
      const max = config.ledgerCapacityOps
      const txs = variant === 2 ? [] : (world.workload?.pendingFor(disk.state, max) ?? [])
      const set = makeTxSet(disk.state.headerCid, txs)
      const key = cidString(set.cid)
      world.txSets.set(key, set)
      const closeTimeMs = Math.max(nowMs(), disk.state.header.closeTimeMs + 1) + (variant === 2 ? 1 : 0)
      scp.nominate(nextSlot(), encodeValue({ txSet: key, closeTimeMs }), disk.lastValue)
      return scp.flush()
    }

    const scheduleNomination = () => {
      cancelNomination?.()
      const wait = Math.max(0, lastCloseAt + config.closeIntervalMs - host.now())
      cancelNomination = host.setTimer(wait, nominate)
    }

    /**
     * Re-sends own latest envelopes of the last closed and the current slot (so peers that
     * missed an EXTERNALIZE during a fault still finish it); a node a full ledger behind
     * catches up from the archive.
     */
    const rebroadcast = () => {
      host.setTimer(world.rebroadcastMs, rebroadcast)
      if (scp === undefined) return
      const stale = host.now() - lastCloseAt >= 2 * world.rebroadcastMs
      if (world.archive.has(nextSlot() + 1) || (stale && world.archive.has(nextSlot()))) {
        const tip = nextSlot()
        let top = tip
        while (world.archive.has(top + 1)) top++
        if (catchUp(top + 1) && nextSlot() > tip) afterClose()
        return
      }
      // Healthy nodes close every interval; only a node that is stuck re-sends.
      if (host.now() - lastCloseAt < world.rebroadcastMs) return
      for (const slot of [nextSlot() - 1, nextSlot()]) {
        for (const e of scp.getState(slot)?.envelopes ?? [])
          if (e.statement.nodeId === nodeId) host.broadcast(e)
      }
    }

    /** After a crash the ledger comes back from the node's store, checked against its state root. */
    const reload = async () => {
      await writes
      const loaded = await store.loadLast()
      const st = loaded && stateFromLoaded(loaded)
      if (!st?.ok) throw new Error(`node ${host.index}: store did not reload`)
      disk.state = st.value
      disk.lastValue = valueOfHeader(st.value.header)
      lastCloseAt = host.now()
    }

    const boot = async () => {
      if (crashed) await reload()
      crashed = false
      scp = createScp({
        nodeId,
        quorumSet: world.quorumSets[host.index]!,
        isValidator: true,
        networkId: world.networkId,
        driver,
      })
      const saved = disk.envelopes.filter((e) => e.statement.slot === nextSlot())
      if (saved.length > 0) await scp.restore(nextSlot(), saved)
      scheduleNomination()
      host.setTimer(world.rebroadcastMs, rebroadcast)
      await scp.flush()
    }

    return {
      start: boot,
      receive: async (_from, env) => {
        if (scp === undefined) return
        const s = scp
        await s.receiveEnvelope(env)
        await s.flush()
        await writes
      },
      crash: () => {
        crashed = true
        disk.state = world.genesis
        disk.lastValue = GENESIS_VALUE
        scp = undefined
        timers.clear()
        cancelNomination = undefined
      },
      restart: boot,
    }
  }
