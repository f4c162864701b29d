// Invariant checkers the simulator runs on every event it observes: honest nodes never
// externalize different values for a slot, their ledger hash chains are identical and
// linked, coins are conserved, no ledger credits a validator that never signed, the storage
// market's invariants hold in every closed ledger (market-checkers.ts), and once the network is
// healthy ledgers keep closing within a bound. The first violation is kept (with its virtual
// time) and stops the run.
import {
  type AppliedLedger,
  describeMarketViolation,
  type MarketChecker,
  type MarketViolation,
} from './market-checkers.ts'

export type Violation =
  | {
      code: 'fork'
      slot: number
      node: number
      value: string
      otherNode: number
      otherValue: string
      at: number
    }
  | {
      code: 'ledger_mismatch'
      seq: number
      node: number
      hash: string
      otherNode: number
      otherHash: string
      at: number
    }
  | { code: 'chain_broken'; seq: number; node: number; prev: string; expected: string; at: number }
  | { code: 'supply'; seq: number; node: number; totalCoins: string; accounted: string; at: number }
  | { code: 'liveness'; node: number; lastCloseAt: number; boundMs: number; at: number }
  | { code: 'false_credit'; seq: number; node: number; credited: string; at: number }
  | MarketViolation

export interface ClosedLedger {
  readonly seq: number
  readonly hash: string
  readonly prevHash: string
  /** When given: the header's total coins and the sum of every balance (fee pool included). */
  readonly supply?: { readonly totalCoins: bigint; readonly accounted: bigint }
  /** When given: the validators the ledger credits for signing the previous one. */
  readonly signers?: readonly string[]
  /** When given: the state and transactions it applied (the market checker reads them). */
  readonly applied?: AppliedLedger
}

export interface CheckerOptions {
  readonly nodes: number
  readonly honest: (node: number) => boolean
  readonly livenessBoundMs: number
  /** Slots/ledgers remembered for comparison; older ones are forgotten (bounded memory). */
  readonly window?: number
  /** Validators that never sign: a ledger crediting one took a forged close proof. */
  readonly neverSign?: ReadonlySet<string>
  /** Checks the market's invariants on every closed ledger that carries what it applied. */
  readonly market?: MarketChecker
}

interface Seen {
  readonly value: string
  readonly node: number
}

export class Checkers {
  first: Violation | undefined
  forks = 0
  readonly #opts: CheckerOptions
  readonly #slots = new Map<number, Seen>()
  readonly #ledgers = new Map<number, Seen>()
  readonly #lastHash: (string | undefined)[]
  readonly #lastSeq: Int32Array
  readonly lastCloseAt: Float64Array
  readonly #window: number

  constructor(opts: CheckerOptions) {
    this.#opts = opts
    this.#window = opts.window ?? 100_000
    this.#lastHash = new Array(opts.nodes).fill(undefined)
    this.#lastSeq = new Int32Array(opts.nodes)
    this.lastCloseAt = new Float64Array(opts.nodes)
  }

  /** The hash honest nodes agreed on for ledger `seq` (if still remembered). */
  ledgerHash(seq: number): string | undefined {
    return this.#ledgers.get(seq)?.value
  }

  get ok(): boolean {
    return this.first === undefined
  }

  #violate(v: Violation): void {
    if (this.first === undefined) this.first = v
  }

  #remember(map: Map<number, Seen>, key: number, seen: Seen): Seen | undefined {
    const prior = map.get(key)
    if (prior !== undefined) return prior
    map.set(key, seen)
    if (map.size > this.#window) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
    return undefined
  }

  externalized(node: number, slot: number, value: string, at: number): void {
    if (!this.#opts.honest(node)) return
    const prior = this.#remember(this.#slots, slot, { value, node })
    if (prior !== undefined && prior.value !== value) {
      this.forks++
      this.#violate({ code: 'fork', slot, node, value, otherNode: prior.node, otherValue: prior.value, at })
    }
  }

  closed(node: number, ledger: ClosedLedger, at: number): void {
    if (!this.#opts.honest(node)) return
    this.lastCloseAt[node] = at
    const { seq, hash, prevHash, supply } = ledger
    const lastHash = this.#lastHash[node]
    if (lastHash !== undefined && this.#lastSeq[node] === seq - 1 && prevHash !== lastHash) {
      this.#violate({ code: 'chain_broken', seq, node, prev: prevHash, expected: lastHash, at })
    }
    this.#lastHash[node] = hash
    this.#lastSeq[node] = seq
    const prior = this.#remember(this.#ledgers, seq, { value: hash, node })
    if (prior !== undefined && prior.value !== hash) {
      this.#violate({
        code: 'ledger_mismatch',
        seq,
        node,
        hash,
        otherNode: prior.node,
        otherHash: prior.value,
        at,
      })
    }
    const forged = ledger.signers?.find((n) => this.#opts.neverSign?.has(n))
    if (forged !== undefined) this.#violate({ code: 'false_credit', seq, node, credited: forged, at })
    if (supply !== undefined && supply.totalCoins !== supply.accounted) {
      this.#violate({
        code: 'supply',
        seq,
        node,
        totalCoins: supply.totalCoins.toString(),
        accounted: supply.accounted.toString(),
        at,
      })
    }
    const market = ledger.applied && this.#opts.market?.closed(node, ledger.applied, at)
    if (market) this.#violate(market)
  }

  /**
   * Liveness: every honest node that is up must have closed a ledger within `livenessBoundMs`
   * of `now`, counting from `healthySince` (when the last fault ended) at the earliest.
   */
  checkLiveness(now: number, healthySince: number, isUp: (node: number) => boolean): void {
    const bound = this.#opts.livenessBoundMs
    for (let node = 0; node < this.#opts.nodes; node++) {
      if (!this.#opts.honest(node) || !isUp(node)) continue
      const last = Math.max(this.lastCloseAt[node]!, healthySince)
      if (now - last > bound) {
        this.#violate({
          code: 'liveness',
          node,
          lastCloseAt: this.lastCloseAt[node]!,
          boundMs: bound,
          at: now,
        })
        return
      }
    }
  }
}

export const describeViolation = (v: Violation): string => {
  switch (v.code) {
    case 'fork':
      return `fork at slot ${v.slot}: node ${v.node} externalized ${v.value}, node ${v.otherNode} ${v.otherValue}`
    case 'ledger_mismatch':
      return `ledger ${v.seq} differs: node ${v.node} has ${v.hash}, node ${v.otherNode} ${v.otherHash}`
    case 'chain_broken':
      return `node ${v.node} ledger ${v.seq} links to ${v.prev}, its previous ledger is ${v.expected}`
    case 'supply':
      return `node ${v.node} ledger ${v.seq}: total coins ${v.totalCoins} but balances sum to ${v.accounted}`
    case 'liveness':
      return `node ${v.node} closed nothing for ${v.boundMs} ms (last close at ${v.lastCloseAt} ms)`
    case 'false_credit':
      return `node ${v.node} ledger ${v.seq} credits ${v.credited}, which never signed`
    default:
      return describeMarketViolation(v)
  }
}
