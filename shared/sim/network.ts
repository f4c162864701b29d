// The simulated network: point-to-point links with seeded latency (uniform jitter plus a long
// tail, which also reorders messages), loss, duplication, partitions that form and heal, and
// crashed nodes that neither send nor receive. Every random choice comes from one Rng.
import type { Rng } from '../util/prng.ts'
import type { EventQueue } from './event-queue.ts'

export interface LinkFaults {
  /** Base one-way latency range, uniform in [minMs, maxMs]. */
  readonly minMs: number
  readonly maxMs: number
  /** Chance (parts per million) that a message takes the tail path instead: uniform in [maxMs, tailMs]. */
  readonly tailPpm: number
  readonly tailMs: number
  /** Chance (ppm) that a message is lost. */
  readonly dropPpm: number
  /** Chance (ppm) that a message is delivered twice (the copy with its own latency). */
  readonly dupPpm: number
}

export const HEALTHY_LINKS: LinkFaults = {
  minMs: 5,
  maxMs: 40,
  tailPpm: 0,
  tailMs: 40,
  dropPpm: 0,
  dupPpm: 0,
}

export interface NetworkStats {
  sent: number
  delivered: number
  dropped: number
  duplicated: number
}

export type Deliver<M> = (to: number, from: number, msg: M) => unknown

export class SimNetwork<M> {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 }
  #faults: LinkFaults
  #group: Int32Array
  #up: Uint8Array
  readonly #queue: EventQueue
  readonly #rng: Rng
  readonly #deliver: Deliver<M>

  constructor(queue: EventQueue, rng: Rng, size: number, faults: LinkFaults, deliver: Deliver<M>) {
    this.#queue = queue
    this.#rng = rng
    this.#faults = faults
    this.#deliver = deliver
    this.#group = new Int32Array(size)
    this.#up = new Uint8Array(size).fill(1)
  }

  get size(): number {
    return this.#up.length
  }

  setFaults(faults: LinkFaults): void {
    this.#faults = faults
  }

  get faults(): LinkFaults {
    return this.#faults
  }

  /** Splits the nodes: `groupOf[i]` is node i's side; messages between sides are lost. null heals. */
  setPartition(groupOf: readonly number[] | null): void {
    this.#group.fill(0)
    if (groupOf) for (let i = 0; i < this.#group.length; i++) this.#group[i] = groupOf[i] ?? 0
  }

  get partitioned(): boolean {
    for (let i = 1; i < this.#group.length; i++) if (this.#group[i] !== this.#group[0]) return true
    return false
  }

  setUp(node: number, up: boolean): void {
    this.#up[node] = up ? 1 : 0
  }

  isUp(node: number): boolean {
    return this.#up[node] === 1
  }

  canReach(from: number, to: number): boolean {
    return this.#up[from] === 1 && this.#up[to] === 1 && this.#group[from] === this.#group[to]
  }

  #latency(): number {
    const f = this.#faults
    if (f.tailPpm > 0 && this.#rng.int(1_000_000) < f.tailPpm) {
      return f.maxMs + this.#rng.int(Math.max(1, f.tailMs - f.maxMs + 1))
    }
    return f.minMs + this.#rng.int(f.maxMs - f.minMs + 1)
  }

  #schedule(from: number, to: number, msg: M): void {
    this.#queue.schedule(this.#latency(), () => {
      if (this.#up[to] !== 1) {
        this.stats.dropped++
        return undefined
      }
      this.stats.delivered++
      return this.#deliver(to, from, msg)
    })
  }

  send(from: number, to: number, msg: M): void {
    this.stats.sent++
    const f = this.#faults
    if (!this.canReach(from, to) || (f.dropPpm > 0 && this.#rng.int(1_000_000) < f.dropPpm)) {
      this.stats.dropped++
      return
    }
    this.#schedule(from, to, msg)
    if (f.dupPpm > 0 && this.#rng.int(1_000_000) < f.dupPpm) {
      this.stats.duplicated++
      this.#schedule(from, to, msg)
    }
  }
}
