// Test harness: N SCP nodes on a virtual clock, joined by a seeded lossy network that delays,
// reorders and drops envelopes until `calmAt`, then behaves. Each node closes slot after slot
// (nominating its own value when it externalized the previous one) and rebroadcasts its own
// latest envelopes periodically, as the node core does. Not the simulator (shared/sim).
import { type Rng, createRng } from '../../util/prng.ts'
import { compareBytes, utf8 } from '../../util/bytes.ts'
import { linearTimeout, sha256Priority, type ScpDriver, type TimerKind } from '../driver.ts'
import type { Envelope } from '../envelope.ts'
import type { NodeId, QuorumSet } from '../quorum-set.ts'
import { type QuorumSetHash, quorumSetHash } from '../quorum-utils.ts'
import { createScp, type Scp } from '../scp.ts'
import type { Value } from '../values.ts'
import { fakeSign, fakeVerify } from './fake-keys.ts'
import { VirtualClock } from './virtual-clock.ts'

export interface NodeSpec {
  readonly id: NodeId
  readonly qset: QuorumSet
  readonly validator: boolean
}

export interface NetworkOptions {
  readonly seed: number
  readonly nodes: readonly NodeSpec[]
  /** Drop probability while turbulent. */
  readonly loss: number
  /** Delay range (ms) while turbulent; afterwards 5..50 ms. */
  readonly maxDelay: number
  /** Virtual time at which the network becomes well behaved. */
  readonly calmAt: number
  /** Nodes that stay silent (crashed) for the whole run. */
  readonly dead?: readonly NodeId[]
  readonly rebroadcastMs?: number
}

export interface TestNode {
  readonly spec: NodeSpec
  readonly scp: Scp
  readonly externalized: Map<number, Value>
  doubleExternalize: number
}

export const nodeIds = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => `n${i}` as NodeId)

/** Everyone trusts everyone with a two-thirds-plus threshold (the devnet shape). */
export const flatQuorum = (ids: readonly NodeId[]): QuorumSet => ({
  threshold: Math.floor((2 * ids.length) / 3) + 1,
  validators: ids,
  innerSets: [],
})

export const valueFor = (slot: number, node: NodeId): Value => utf8(`slot ${slot} from ${node}`)

export class TestNetwork {
  readonly clock = new VirtualClock()
  readonly nodes = new Map<NodeId, TestNode>()
  readonly #rng: Rng
  readonly #opts: NetworkOptions
  readonly #qsets = new Map<QuorumSetHash, QuorumSet>()
  readonly #timers = new Map<string, number>()
  readonly #dead: Set<NodeId>
  delivered = 0

  constructor(opts: NetworkOptions) {
    this.#opts = opts
    this.#rng = createRng(opts.seed)
    this.#dead = new Set(opts.dead ?? [])
    for (const spec of opts.nodes) this.#qsets.set(quorumSetHash(spec.qset), spec.qset)
    for (const spec of opts.nodes) this.#addNode(spec)
  }

  #addNode(spec: NodeSpec): void {
    const externalized = new Map<number, Value>()
    const node: TestNode = { spec, externalized, doubleExternalize: 0, scp: undefined as unknown as Scp }
    const driver: ScpDriver = {
      ...sha256Priority,
      sign: async (m) => fakeSign(spec.id, m),
      verify: async (n, m, s) => fakeVerify(n, m, s),
      emit: (env) => this.#broadcast(spec.id, env),
      validateValue: () => 'fullyValid',
      combineCandidates: (_slot, values) => [...values].sort(compareBytes).at(-1)!,
      extractValidValue: () => undefined,
      getQuorumSet: (h) => this.#qsets.get(h),
      setTimer: (slot, kind, ms, cb) => this.#setTimer(spec.id, slot, kind, ms, cb),
      cancelTimer: (slot, kind) => this.#cancelTimer(spec.id, slot, kind),
      computeTimeout: linearTimeout({ initialMs: 1000, incrementMs: 1000, maxMs: 30_000 }),
      valueExternalized: (slot, value) => {
        if (externalized.has(slot)) node.doubleExternalize++
        externalized.set(slot, value)
        if (spec.validator) this.clock.schedule(20, () => this.#nominate(node, slot + 1))
      },
    }
    ;(node as { scp: Scp }).scp = createScp({
      nodeId: spec.id,
      quorumSet: spec.qset,
      isValidator: spec.validator,
      networkId: utf8('test-network'),
      driver,
    })
    this.nodes.set(spec.id, node)
  }

  #timerKey = (node: NodeId, slot: number, kind: TimerKind) => `${node}/${slot}/${kind}`

  #setTimer(node: NodeId, slot: number, kind: TimerKind, ms: number, cb: () => void): void {
    this.#cancelTimer(node, slot, kind)
    const key = this.#timerKey(node, slot, kind)
    const id = this.clock.schedule(ms, async () => {
      this.#timers.delete(key)
      cb()
      await this.#flush()
    })
    this.#timers.set(key, id)
  }

  #cancelTimer(node: NodeId, slot: number, kind: TimerKind): void {
    const key = this.#timerKey(node, slot, kind)
    const id = this.#timers.get(key)
    if (id !== undefined) this.clock.cancel(id)
    this.#timers.delete(key)
  }

  #broadcast(from: NodeId, env: Envelope): void {
    if (this.#dead.has(from)) return
    const calm = this.clock.now >= this.#opts.calmAt
    for (const [to, node] of this.nodes) {
      if (to === from || this.#dead.has(to)) continue
      if (!calm && this.#rng.float() < this.#opts.loss) continue
      const delay = calm ? 5 + this.#rng.int(46) : this.#rng.int(this.#opts.maxDelay + 1)
      this.clock.schedule(delay, async () => {
        this.delivered++
        await node.scp.receiveEnvelope(env)
        await this.#flush()
      })
    }
  }

  async #flush(): Promise<void> {
    for (const n of this.nodes.values()) await n.scp.flush()
  }

  async #nominate(node: TestNode, slot: number): Promise<void> {
    if (this.#dead.has(node.spec.id) || node.externalized.has(slot)) return
    const prev = node.externalized.get(slot - 1) ?? new Uint8Array()
    node.scp.nominate(slot, valueFor(slot, node.spec.id), prev)
    await this.#flush()
  }

  #rebroadcast(): void {
    const every = this.#opts.rebroadcastMs ?? 1000
    this.clock.schedule(every, async () => {
      for (const node of this.nodes.values()) {
        const top = Math.max(0, ...node.externalized.keys()) + 1
        for (const slot of [top - 1, top]) {
          for (const env of node.scp.getState(slot)?.envelopes ?? [])
            if (env.statement.nodeId === node.spec.id) this.#broadcast(node.spec.id, env)
        }
      }
      this.#rebroadcast()
    })
  }

  /** Runs from slot 1 until every live node externalized `slots` slots, or `until` passes. */
  async run(slots: number, until: number): Promise<void> {
    for (const node of this.nodes.values()) if (node.spec.validator) await this.#nominate(node, 1)
    this.#rebroadcast()
    const live = [...this.nodes.values()].filter((n) => !this.#dead.has(n.spec.id))
    while (!live.every((n) => n.externalized.size >= slots)) {
      if (!(await this.clock.step(until))) break
    }
  }

  /** Slots where two nodes externalized different values (must be empty). */
  conflicts(): number[] {
    const bySlot = new Map<number, Value>()
    const out: number[] = []
    for (const n of this.nodes.values()) {
      for (const [slot, v] of n.externalized) {
        const seen = bySlot.get(slot)
        if (seen === undefined) bySlot.set(slot, v)
        else if (compareBytes(seen, v) !== 0 && !out.includes(slot)) out.push(slot)
      }
    }
    return out
  }
}
