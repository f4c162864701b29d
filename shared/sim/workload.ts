// The seeded workload: the faucet creates accounts, then accounts pay each other at a rate,
// set their security circles, accept invites and check in once a day (mining operations).
// Transactions go out through the run's TxSender (tx-sender.ts): one in flight per account,
// retired when the reference node's ledger shows its sequence consumed, or dropped and
// regenerated after a timeout.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey, Signer } from '../crypto/signer.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, type LedgerState } from '../ledger/state.ts'
import type { Rng } from '../util/prng.ts'
import type { TxSender } from './tx-sender.ts'

export interface WorkloadOptions {
  readonly accounts: number
  /** Payments per virtual second across the network. */
  readonly tps: number
  /** Chance (ppm) that an account checks in on a given day. */
  readonly checkInPpm: number
  /** Whether the mining operations (circles, invites, check-ins) are generated. */
  readonly mining: boolean
  /**
   * Bytes of a seal-proof part (a market `proveCommit` for no deal, refused when applied) each
   * payment transaction also carries: transactions of ~7 KiB in two operations, which cost the
   * fee of two, as a careless or hostile client can send them.
   */
  readonly bulkBytes?: number
}

interface Actor {
  readonly signer: Signer
  readonly address: Address
  circleSet: boolean
  invited: boolean
  checkedInDay: number
}

const TIMEOUT_MS = 20_000
const CREATE_BATCH = 25

export class Workload {
  readonly #rng: Rng
  readonly #opts: WorkloadOptions
  readonly #faucet: Actor
  readonly #sender: TxSender
  readonly #actors: Actor[] = []
  #created = 0
  #paymentCredit = 0
  #reference: LedgerState
  generated = 0

  constructor(rng: Rng, opts: WorkloadOptions, faucet: Signer, sender: TxSender) {
    this.#rng = rng
    this.#opts = opts
    this.#sender = sender
    this.#reference = sender.reference
    this.#faucet = this.#actor(faucet)
  }

  #actor(signer: Signer): Actor {
    return {
      signer,
      address: addressOf(signer.publicKey),
      circleSet: false,
      invited: false,
      checkedInDay: -1,
    }
  }

  /** The reference node closed a ledger (the sender has retired what it applied). */
  observe(state: LedgerState): void {
    this.#reference = state
  }

  /** Sends `ops` from `from` if it is ready; true when a transaction went out. */
  async #submit(from: Actor, ops: Operation[], nowMs: number): Promise<boolean> {
    if (!this.#sender.ready(from.address)) return false
    const tip = BigInt(this.#rng.int(100))
    const sent = await this.#sender.submit(from.signer, ops, { nowMs, tip, timeoutMs: TIMEOUT_MS })
    if (sent !== undefined) this.generated++
    return sent !== undefined
  }

  #pk = (a: Actor): PublicKey => a.signer.publicKey

  /** Generates what is due after `elapsedMs` more virtual time. */
  async tick(nowMs: number, elapsedMs: number): Promise<void> {
    if (this.#created < this.#opts.accounts) {
      const ops: Operation[] = []
      while (ops.length < CREATE_BATCH && this.#created + ops.length < this.#opts.accounts) {
        const a = this.#actor(this.#sender.keys.signer(this.#rng.bytes(32)))
        this.#actors.push(a)
        ops.push({ type: 'createAccount', dest: this.#pk(a), amount: 1_000_000_000n } as Operation)
      }
      if (await this.#submit(this.#faucet, ops, nowMs)) this.#created += ops.length
      else this.#actors.length = this.#created
      return
    }
    const live = this.#actors.filter((a) => getAccount(this.#reference, a.address) !== undefined)
    if (live.length < 2) return
    if (this.#opts.mining) await this.#miningTick(live, nowMs)
    this.#paymentCredit += this.#opts.tps * elapsedMs
    while (this.#paymentCredit >= 1000) {
      this.#paymentCredit -= 1000
      const from = this.#rng.pick(live)
      const to = this.#rng.pick(live)
      if (from === to) continue
      const amount = BigInt(1 + this.#rng.int(1000))
      const ops = [{ type: 'payment', dest: this.#pk(to), amount } as Operation]
      if (this.#opts.bulkBytes) ops.push(this.#bulk(this.#opts.bulkBytes))
      await this.#submit(from, ops, nowMs)
    }
  }

  #bulk(bytes: number): Operation {
    const part = {
      type: 'proveCommit',
      deal: 0,
      replica: 0,
      part: 0,
      bytes: this.#rng.bytes(bytes),
      last: false,
    }
    return part as unknown as Operation
  }

  async #miningTick(live: readonly Actor[], nowMs: number): Promise<void> {
    const day = this.#reference.header.dayIndex
    for (const a of live) {
      if (!this.#sender.ready(a.address)) continue
      if (!a.circleSet && live.length >= 6) {
        const members: PublicKey[] = []
        const want = 3 + this.#rng.int(3)
        while (members.length < want) {
          const m = this.#rng.pick(live)
          if (m !== a && !members.includes(this.#pk(m))) members.push(this.#pk(m))
        }
        a.circleSet = true
        await this.#submit(a, [{ type: 'setCircle', members } as Operation], nowMs)
      } else if (!a.invited) {
        a.invited = true
        const amb = this.#rng.pick(live)
        if (amb !== a && this.#rng.int(5) === 0) {
          await this.#submit(a, [{ type: 'acceptInvite', ambassador: this.#pk(amb) } as Operation], nowMs)
        }
      } else if (a.checkedInDay < day) {
        a.checkedInDay = day
        if (this.#rng.int(1_000_000) < this.#opts.checkInPpm) {
          await this.#submit(a, [{ type: 'checkIn', presence: { kind: 'hold' } } as Operation], nowMs)
        }
      }
    }
  }
}
