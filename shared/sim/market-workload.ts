// The storage-market workload (docs/simulator.md, "Market workload"): from the seed, the faucet
// funds providers and clients; providers post asks with collateral, clients publish the planned
// deals (two replicas each), providers seal, pre-commit, prove their seals and every window, all
// as real transactions through the run's TxSender, SCP and the ledger; a third client posts the
// planned bids once the honest providers ask, and the close step matches or expires them. A crashing provider sends
// nothing from the opening of one of its windows for a while, a silent one stops for good, a liar
// also tells each lie of market-lies.ts once; the report says what every lie got.
import { type Address, addressOf } from '../crypto/address.ts'
import type { Signer } from '../crypto/signer.ts'
import { cidOfBytes, cidString, cidOf } from '../codec/dag-cbor.ts'
import type { ClosedLedger } from '../ledger/apply.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, type LedgerState } from '../ledger/state.ts'
import { trieLeaves } from '../ledger/trie.ts'
import type { TxId } from '../ledger/tx.ts'
import { pieceCommitment } from '../market/binding.ts'
import type { MarketCode } from '../market/codes.ts'
import { marketModule } from '../market/module.ts'
import type { Rng } from '../util/prng.ts'
import { LIE_CODES, type LieKind, Liar } from './market-lies.ts'
import {
  type MarketPlan,
  minPeriodsOf,
  type Outage,
  type PlannedBid,
  type PlannedDeal,
  planBids,
  planDeals,
  planOutage,
  type ProviderRole,
  SIM_MARKET,
} from './market-plan.ts'
import { pendingWindow, ProviderDevice, type ReplicaAt } from './market-provider.ts'
import type { TxSender } from './tx-sender.ts'

const R = marketModule.readers
/** Raw bytes: the CID codec of a deal's piece. */
const RAW = 0x55
const cidOfPiece = (piece: Uint8Array): string => cidString(cidOfBytes(piece, RAW))
/** What the faucet gives every market actor. */
const FUNDS = 1_000_000_000n
/** Ledgers a deal's replicas have to become active. */
const START_LEDGERS = 30
/** Ledgers a market transaction may take to land before it is sent again. */
const TX_LEDGERS = 4

export interface LieRecord {
  readonly kind: LieKind
  readonly expect: MarketCode
  /** Absent when the lie did not pass the gate checks (then `code` is 'unsent'). */
  readonly tx?: TxId
  /**
   * Once applied: the ledger, its result code ('' when it was accepted) and whether every market
   * entry of the liar was the same before and after that ledger.
   */
  ledger?: number
  code?: string
  unchanged?: boolean
}

export interface MarketReport {
  readonly providers: readonly {
    readonly role: ProviderRole
    readonly address: Address
    readonly outage?: Outage
  }[]
  readonly deals: readonly PlannedDeal[]
  readonly bids: readonly PlannedBid[]
  /** The bidding client. */
  readonly bidder: Address
  readonly periods: number
  readonly lies: readonly LieRecord[]
}

interface Provider {
  readonly signer: Signer
  readonly role: ProviderRole
  readonly device: ProviderDevice
  readonly outage: Outage | undefined
  readonly liar: Liar | undefined
  /** The ledgers [from, until) it sends nothing in, once its outage began. */
  down?: { from: number; until: number }
}

/** The market entries that belong to `address` (its account, asks, sectors, chains, replicas). */
const footprint = (s: LedgerState, address: Address): string => {
  const reps = new Set(R.replicasOf(s, address).map(([id, i]) => `d/market/rep/${id}/${i}`))
  const out: string[] = []
  for (const leaf of trieLeaves(s.tree))
    if (leaf.key.startsWith('d/market/') && (leaf.key.includes(address) || reps.has(leaf.key)))
      out.push(`${leaf.key}=${cidOf(leaf.value)}`)
  return out.join('\n')
}

export class MarketWorkload {
  readonly #sender: TxSender
  readonly #faucet: Signer
  readonly #plan: MarketPlan
  readonly #providers: Provider[]
  readonly #clients: Signer[]
  readonly #deals: PlannedDeal[]
  readonly #bids: PlannedBid[]
  readonly #bidder: Signer
  /** The planned pieces by CID (what clients send providers, here in memory). */
  readonly #pieces = new Map<string, Uint8Array>()
  /** One entry per lie told (each kind once). */
  readonly #lies: (LieRecord & { readonly liar: Address })[] = []
  /** The ledger each actor last acted after, by address. */
  readonly #acted = new Map<Address, number>()
  #previous: LedgerState

  constructor(rng: Rng, plan: MarketPlan, faucet: Signer, sender: TxSender) {
    this.#sender = sender
    this.#faucet = faucet
    this.#plan = plan
    this.#previous = sender.reference
    this.#deals = planDeals(plan, rng.fork(1))
    this.#bids = planBids(plan, rng.fork(3))
    for (const d of [...this.#deals, ...this.#bids]) this.#pieces.set(cidOfPiece(d.piece), d.piece)
    const keys = rng.fork(2)
    this.#providers = plan.providers.map((role, i) => {
      const signer = sender.keys.signer(keys.bytes(32))
      const piece = (c: string) => this.#pieces.get(c)
      const device = new ProviderDevice(
        SIM_MARKET,
        addressOf(signer.publicKey),
        piece,
        minPeriodsOf(role, plan),
      )
      const liar = role === 'liar' ? new Liar(device, SIM_MARKET, rng.fork(10 + i)) : undefined
      return { signer, role, device, outage: planOutage(role, plan, rng.fork(20 + i)), liar }
    })
    this.#clients = [0, 1].map(() => sender.keys.signer(keys.bytes(32)))
    this.#bidder = sender.keys.signer(keys.bytes(32))
  }

  /**
   * The reference node closed a ledger: the lies it applied get their outcome; one the ledger had
   * no seal-verify budget left for is told again later.
   */
  observe(closed: ClosedLedger): void {
    const results = new Map(closed.results.map((r) => [r.tx, r]))
    for (const lie of [...this.#lies]) {
      const r = lie.code === undefined && lie.tx !== undefined ? results.get(lie.tx) : undefined
      if (r === undefined) continue
      if (!r.ok && r.code === 'ledger_busy') {
        this.#lies.splice(this.#lies.indexOf(lie), 1)
        this.#providers.find((p) => p.device.address === lie.liar)?.liar?.retry(lie.kind)
        continue
      }
      lie.ledger = closed.header.seq
      lie.code = r.ok ? '' : (r.code ?? '')
      lie.unchanged = footprint(this.#previous, lie.liar) === footprint(closed.state, lie.liar)
    }
    this.#previous = closed.state
  }

  /** Every actor that has nothing in flight acts once on the reference node's last ledger. */
  async tick(nowMs: number): Promise<void> {
    const s = this.#sender.reference
    const everyone = [...this.#providers.map((p) => p.signer), ...this.#clients, this.#bidder]
    if (everyone.some((a) => getAccount(s, addressOf(a.publicKey)) === undefined)) {
      const ops = everyone.map(
        (a) => ({ type: 'createAccount', dest: a.publicKey, amount: FUNDS }) as Operation,
      )
      if (this.#sender.ready(addressOf(this.#faucet.publicKey))) await this.#send(this.#faucet, ops, nowMs)
      return
    }
    for (const [j, c] of this.#clients.entries()) if (this.#turn(s, c)) await this.#client(s, j, c, nowMs)
    if (this.#turn(s, this.#bidder)) await this.#bid(s, nowMs)
    for (const p of this.#providers) if (this.#turn(s, p.signer)) await this.#provider(s, p, nowMs)
  }

  report(): MarketReport {
    return {
      providers: this.#providers.map((p) => ({
        role: p.role,
        address: p.device.address,
        ...(p.outage ? { outage: p.outage } : {}),
      })),
      deals: this.#deals,
      bids: this.#bids,
      bidder: addressOf(this.#bidder.publicKey),
      periods: this.#plan.periods,
      lies: this.#lies.map(({ liar: _, ...lie }) => lie),
    }
  }

  /** Whether `a` may act on ledger `s` (nothing in flight, not acted on it yet); marks it. */
  #turn(s: LedgerState, a: Signer): boolean {
    const address = addressOf(a.publicKey)
    if (!this.#sender.ready(address) || this.#acted.get(address) === s.header.seq) return false
    this.#acted.set(address, s.header.seq)
    return true
  }

  #send(from: Signer, ops: readonly Operation[], nowMs: number): Promise<TxId | undefined> {
    const timeoutMs = TX_LEDGERS * this.#sender.config.closeIntervalMs
    return this.#sender.submit(from, ops, { nowMs, tip: 0n, timeoutMs })
  }

  /** Publishes the client's deals not on the ledger yet, once their providers ask. */
  async #client(s: LedgerState, j: number, client: Signer, nowMs: number): Promise<void> {
    const mine = this.#deals.filter((d) => d.client === j)
    const todo = mine.slice(R.dealsByClient(s, addressOf(client.publicKey)).length)
    const signers = (d: PlannedDeal) => d.providers.map((i) => this.#providers[i]!.signer.publicKey)
    const asking = (d: PlannedDeal) => signers(d).every((k) => R.provider(s, addressOf(k)).ask !== undefined)
    if (todo.length === 0 || !todo.every(asking)) return
    const ops = todo.map((d) => ({
      type: 'publishDeal',
      cid: cidOfPiece(d.piece),
      commD: pieceCommitment(SIM_MARKET, d.piece),
      size: d.piece.length,
      periods: this.#plan.periods,
      startBy: s.header.seq + START_LEDGERS,
      providers: signers(d),
    }))
    await this.#send(client, ops as Operation[], nowMs)
  }

  /**
   * Posts the planned bids in one transaction once every honest provider asks; the start deadline
   * leaves a matched bid's replicas START_LEDGERS after its last matching ledger.
   */
  async #bid(s: LedgerState, nowMs: number): Promise<void> {
    if (R.bidsByClient(s, addressOf(this.#bidder.publicKey)).length > 0) return
    const honest = this.#providers.filter((p) => p.role === 'honest')
    if (!honest.every((p) => R.provider(s, p.device.address).ask !== undefined)) return
    const ops = this.#bids.map((b) => ({
      type: 'postBid',
      cid: cidOfPiece(b.piece),
      commD: pieceCommitment(SIM_MARKET, b.piece),
      size: b.piece.length,
      replicas: b.replicas,
      periods: b.periods,
      startBy: s.header.seq + SIM_MARKET.bidLedgers + START_LEDGERS,
      maxPrice: b.maxPrice,
    }))
    await this.#send(this.#bidder, ops as Operation[], nowMs)
  }

  /** A provider's turn: nothing while it is down, else its lie or its honest operations. */
  async #provider(s: LedgerState, p: Provider, nowMs: number): Promise<void> {
    const reps = p.device.replicas(s)
    if (this.#isDown(s.header.seq, p, reps)) return
    const honest = p.device.next(s, reps)
    const lie = p.liar?.next(s, reps, honest)
    if (lie !== undefined) {
      const tx = await this.#send(p.signer, [lie.op], nowMs)
      const told = { kind: lie.kind, expect: LIE_CODES[lie.kind], liar: p.device.address }
      this.#lies.push(tx === undefined ? { ...told, code: 'unsent' } : { ...told, tx })
      return
    }
    if (honest.length > 0 && (await this.#send(p.signer, honest, nowMs))) p.liar?.sent(honest)
  }

  /** An outage begins at the opening of the planned window of one of its replicas. */
  #isDown(seq: number, p: Provider, reps: readonly ReplicaAt[]): boolean {
    const o = p.outage
    if (o === undefined) return false
    if (p.down === undefined) {
      const opened = reps.some((r) => {
        const w = pendingWindow(SIM_MARKET, r)
        return w !== undefined && r.rep.windows === o.window && seq >= w.open
      })
      if (!opened) return false
      p.down = { from: seq, until: seq + o.ledgers }
    }
    return seq >= p.down.from && seq < p.down.until
  }
}
