// The simulation engine: one seed, a topology, a node factory and a fault schedule in; a run
// of the whole network under the virtual clock out, checked after every event. Node calls
// may be async (SCP's driver is promise-based); each event's promise settles before the next
// event runs, so the interleaving is a pure function of the seed.
import { createRng, type Rng } from '../util/prng.ts'
import { type ByzantineKind, type Corrupt, type Forge, byzantineNode } from './byzantine.ts'
import { Checkers, type ClosedLedger, type Violation } from './checkers.ts'
import { EventQueue } from './event-queue.ts'
import type { MarketChecker } from './market-checkers.ts'
import { type LinkFaults, SimNetwork } from './network.ts'
import type { SimNode, SimNodeFactory, SimNodeHost } from './node-host.ts'
import type { Topology } from './topology.ts'

export interface SimulationOptions<M> {
  readonly seed: number
  readonly topology: Topology
  readonly factory: SimNodeFactory<M>
  /** Links outside fault windows (latency only, normally). */
  readonly links: LinkFaults
  readonly byzantine?: ReadonlyMap<number, ByzantineKind>
  readonly corrupt?: Corrupt<M>
  /** How a 'false-signers' node rewrites what it sends. */
  readonly forge?: Forge<M>
  /** Validators that never sign (see Checkers). */
  readonly neverSign?: ReadonlySet<string>
  /** The market's invariants, checked on every closed ledger (market-checkers.ts). */
  readonly market?: MarketChecker
  /** Once every fault has healed, each honest node must close a ledger at least this often. */
  readonly livenessBoundMs: number
  readonly maxPendingEvents?: number
}

export interface RunLimits {
  readonly targetLedgers: number
  readonly maxVirtualMs: number
  readonly progressEveryEvents?: number
  readonly onProgress?: (p: { virtualMs: number; ledgers: number; messages: number }) => void
}

export interface SimResult {
  readonly ok: boolean
  readonly violation: Violation | undefined
  /** Highest ledger every honest node closed. */
  readonly ledgers: number
  readonly forks: number
  readonly meanCloseMs: number
  readonly maxCloseMs: number
  readonly messages: number
  readonly virtualMs: number
  readonly events: number
  /** The agreed hash of ledger `ledgers` (undefined when none closed). */
  readonly finalHash: string | undefined
  readonly reachedTarget: boolean
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'

export class Simulation<M> {
  readonly queue: EventQueue
  readonly network: SimNetwork<M>
  readonly checkers: Checkers
  readonly rng: Rng
  readonly #opts: SimulationOptions<M>
  readonly #nodes: SimNode<M>[]
  readonly #epoch: Int32Array
  readonly #closedSeq: Int32Array
  readonly #firstCloseAt = new Map<number, number>()
  #healthySince = 0
  #honestCount = 0
  #target = Number.POSITIVE_INFINITY
  #atTarget = 0

  constructor(opts: SimulationOptions<M>) {
    this.#opts = opts
    const n = opts.topology.ids.length
    this.rng = createRng(opts.seed)
    const netRng = this.rng.fork(1)
    const nodeRng = this.rng.fork(2)
    this.queue = new EventQueue(
      opts.maxPendingEvents === undefined ? {} : { maxPending: opts.maxPendingEvents },
    )
    this.network = new SimNetwork<M>(this.queue, netRng, n, opts.links, (to, from, msg) =>
      this.#nodes[to]!.receive(from, msg),
    )
    const byz = opts.byzantine ?? new Map<number, ByzantineKind>()
    const honest = (i: number) => !byz.has(i)
    for (let i = 0; i < n; i++) if (honest(i)) this.#honestCount++
    this.checkers = new Checkers({
      nodes: n,
      honest,
      livenessBoundMs: opts.livenessBoundMs,
      ...(opts.neverSign ? { neverSign: opts.neverSign } : {}),
      ...(opts.market ? { market: opts.market } : {}),
    })
    this.#epoch = new Int32Array(n)
    this.#closedSeq = new Int32Array(n)
    this.#nodes = []
    for (let i = 0; i < n; i++) {
      const host = this.#host(i, nodeRng.fork(i))
      const kind = byz.get(i)
      this.#nodes.push(
        kind === undefined
          ? opts.factory(host, 0)
          : byzantineNode(kind, opts.factory, host, opts.topology.peers[i]!, {
              corrupt: opts.corrupt ?? ((m) => m),
              forge: opts.forge ?? (async (m) => [m]),
            }),
      )
    }
  }

  #host(index: number, rng: Rng): SimNodeHost<M> {
    const peers = this.#opts.topology.peers[index]!
    return {
      index,
      rng,
      now: () => this.queue.now,
      setTimer: (delayMs, fn) => {
        const epoch = this.#epoch[index]
        let live = true
        this.queue.schedule(Math.max(0, Math.round(delayMs)), () =>
          live && this.#epoch[index] === epoch ? fn() : undefined,
        )
        return () => {
          live = false
        }
      },
      send: (to, msg) => this.network.send(index, to, msg),
      broadcast: (msg) => {
        for (const p of peers) this.network.send(index, p, msg)
      },
      externalized: (slot, value) => this.checkers.externalized(index, slot, value, this.queue.now),
      closed: (ledger: ClosedLedger) => this.#onClosed(index, ledger),
    }
  }

  #onClosed(index: number, ledger: ClosedLedger): void {
    this.checkers.closed(index, ledger, this.queue.now)
    if (!this.#firstCloseAt.has(ledger.seq)) this.#firstCloseAt.set(ledger.seq, this.queue.now)
    const before = this.#closedSeq[index]!
    if (ledger.seq > before) {
      this.#closedSeq[index] = ledger.seq
      if (before < this.#target && ledger.seq >= this.#target && !this.#opts.byzantine?.has(index))
        this.#atTarget++
    }
  }

  #faultUntil(t: number): void {
    if (t > this.#healthySince) this.#healthySince = t
  }

  /** Links behave as `faults` from `atMs` until `untilMs`, then return to the base links. */
  degradeLinks(faults: LinkFaults, atMs: number, untilMs: number): void {
    this.#faultUntil(untilMs)
    this.queue.schedule(atMs, () => this.network.setFaults(faults))
    this.queue.schedule(untilMs, () => this.network.setFaults(this.#opts.links))
  }

  /** Splits the network as `groupOf` says from `atMs` until `untilMs`. */
  partition(groupOf: readonly number[], atMs: number, untilMs: number): void {
    this.#faultUntil(untilMs)
    this.queue.schedule(atMs, () => this.network.setPartition(groupOf))
    this.queue.schedule(untilMs, () => this.network.setPartition(null))
  }

  /** Node crashes at `atMs` (losing volatile state and pending timers) and restarts at `untilMs`. */
  crash(node: number, atMs: number, untilMs: number): void {
    this.#faultUntil(untilMs)
    this.queue.schedule(atMs, () => {
      if (!this.network.isUp(node)) return
      this.#epoch[node]!++
      this.network.setUp(node, false)
      this.#nodes[node]!.crash()
    })
    this.queue.schedule(untilMs, () => {
      if (this.network.isUp(node)) return undefined
      this.network.setUp(node, true)
      return this.#nodes[node]!.restart()
    })
  }

  get healthySince(): number {
    return this.#healthySince
  }

  #scheduleLiveness(everyMs: number): void {
    this.queue.schedule(everyMs, () => {
      if (this.queue.now >= this.#healthySince) {
        this.checkers.checkLiveness(this.queue.now, this.#healthySince, (i) => this.network.isUp(i))
      }
      this.#scheduleLiveness(everyMs)
    })
  }

  async run(limits: RunLimits): Promise<SimResult> {
    this.#target = limits.targetLedgers
    const every = limits.progressEveryEvents ?? 100_000
    for (const node of this.#nodes) {
      const r = node.start()
      if (isThenable(r)) await r
    }
    this.#scheduleLiveness(Math.max(1, Math.floor(this.#opts.livenessBoundMs / 4)))
    while (this.checkers.ok && this.#atTarget < this.#honestCount) {
      const at = this.queue.peekTime()
      if (at === undefined || at > limits.maxVirtualMs) break
      const ev = this.queue.next()!
      const r = ev.run()
      if (isThenable(r)) await r
      if (limits.onProgress && this.queue.executed % every === 0) {
        limits.onProgress({
          virtualMs: this.queue.now,
          ledgers: this.#maxClosed(),
          messages: this.network.stats.sent,
        })
      }
    }
    return this.#result()
  }

  #maxClosed(): number {
    let m = 0
    for (const s of this.#closedSeq) if (s > m) m = s
    return m
  }

  #result(): SimResult {
    const byz = this.#opts.byzantine
    let ledgers = Number.POSITIVE_INFINITY
    for (let i = 0; i < this.#closedSeq.length; i++) {
      if (!byz?.has(i)) ledgers = Math.min(ledgers, this.#closedSeq[i]!)
    }
    if (!Number.isFinite(ledgers)) ledgers = 0
    let sum = 0
    let max = 0
    let count = 0
    for (let s = 2; s <= ledgers; s++) {
      const a = this.#firstCloseAt.get(s - 1)
      const b = this.#firstCloseAt.get(s)
      if (a === undefined || b === undefined) continue
      sum += b - a
      max = Math.max(max, b - a)
      count++
    }
    return {
      ok: this.checkers.ok && this.#atTarget >= this.#honestCount,
      violation: this.checkers.first,
      ledgers,
      forks: this.checkers.forks,
      meanCloseMs: count === 0 ? 0 : Math.round(sum / count),
      maxCloseMs: max,
      messages: this.network.stats.sent,
      virtualMs: this.queue.now,
      events: this.queue.executed,
      finalHash: this.checkers.ledgerHash(ledgers),
      reachedTarget: this.#atTarget >= this.#honestCount,
    }
  }
}
