// A lying provider: it seals and proves as an honest one does (so its replica stays paid), and on
// top tells each lie of LIE_CODES once, as a transaction of its own that the ledger must refuse
// with the lie's result code and without changing anything: a seal proof for another seed and a
// replayed one, window proofs of garbage, of the previous window, for a sector it does not have,
// for a window not open yet and after a deadline. Lies about the window just opened go before the
// honest proof of that window (which must still be accepted); the others wait for a ledger with
// nothing honest to send.
import type { Operation } from '../ledger/operations/registry.ts'
import type { LedgerState } from '../ledger/state.ts'
import { windowDeadline, windowPosition } from '../market/binding.ts'
import { MAX_PROOF_PART } from '../market/commit.ts'
import type { MarketCode } from '../market/codes.ts'
import { marketModule } from '../market/module.ts'
import { type MarketParams, windowsPerPeriod } from '../market/params.ts'
import type { Rng } from '../util/prng.ts'
import { pendingWindow, type ProviderDevice, type ReplicaAt, type WindowDue } from './market-provider.ts'

const R = marketModule.readers

export const LIE_CODES = {
  seal_wrong_seed: 'bad_seal_proof',
  garbage_post: 'bad_post',
  future_window: 'window_not_open',
  stale_post: 'bad_post',
  seal_replay: 'bad_state',
  late_post: 'post_late',
  unknown_sector: 'unknown_sector',
} as const satisfies Record<string, MarketCode>
export type LieKind = keyof typeof LIE_CODES

/** Lies told inside a window that just opened, before its honest proof. */
const IN_WINDOW: readonly LieKind[] = ['garbage_post', 'stale_post', 'unknown_sector']

interface Post {
  readonly period: number
  readonly sectors: readonly number[]
  readonly proof: Uint8Array
  readonly deadline: number
}

export class Liar {
  readonly #device: ProviderDevice
  readonly #p: MarketParams
  readonly #rng: Rng
  readonly #untold = new Set<LieKind>(Object.keys(LIE_CODES) as LieKind[])
  /** The last honest window proof it sent (stale and late lies replay it). */
  #last: Post | undefined

  constructor(device: ProviderDevice, p: MarketParams, rng: Rng) {
    this.#device = device
    this.#p = p
    this.#rng = rng
  }

  /** A lie the ledger had no room to judge (`ledger_busy`: its seal-verify budget was spent) is told again. */
  retry(kind: LieKind): void {
    this.#untold.add(kind)
  }

  /** Remembers the last honest window proof among `ops`. */
  sent(ops: readonly Operation[]): void {
    for (const op of ops as unknown as readonly (Post & Operation)[]) {
      if (op.type !== 'submitWindowPost') continue
      const { period, sectors, proof } = op
      const deadline = windowDeadline(this.#p, period, windowPosition(this.#p, sectors[0]!))
      this.#last = { period, sectors, proof, deadline }
    }
  }

  /** The lie to tell after ledger `s`, if one fits (`honest`: what it would send otherwise). */
  next(s: LedgerState, reps: readonly ReplicaAt[], honest: readonly Operation[]) {
    const opened = this.#device.windowsDue(s, reps).find((w) => w.open === s.header.seq)
    if (opened !== undefined) return this.#tell(IN_WINDOW, (k) => this.#inWindow(k, s, opened))
    const r = reps.find((x) => x.rep.state !== 'terminated' && x.rep.state !== 'expired')
    if (r === undefined) return undefined
    if (r.rep.state === 'sealing' && honest.some((o) => o.type === 'proveCommit'))
      return this.#tell(['seal_wrong_seed'], () => this.#wrongSeed(s, r))
    if (honest.length > 0) return undefined
    return this.#tell(['future_window', 'seal_replay', 'late_post'], (k) => this.#outOfWindow(k, s, r))
  }

  /** The first untold lie of `kinds` that `make` can build now. */
  #tell(kinds: readonly LieKind[], make: (k: LieKind) => Operation | undefined) {
    for (const kind of kinds) {
      if (!this.#untold.has(kind)) continue
      const op = make(kind)
      if (op === undefined) continue
      this.#untold.delete(kind)
      return { kind, op }
    }
    return undefined
  }

  #inWindow(kind: LieKind, s: LedgerState, w: WindowDue): Operation | undefined {
    const honest = this.#device.windowPost(s, w) as unknown as Post
    const post = (o: Partial<Post>) => ({ type: 'submitWindowPost', ...honest, ...o }) as unknown as Operation
    if (kind === 'garbage_post') return post({ proof: this.#rng.bytes(honest.proof.length) })
    if (kind === 'stale_post') return this.#last && post({ proof: this.#last.proof })
    // a sector number at the same position that it never pre-committed
    return post({ sectors: [w.pos + windowsPerPeriod(this.#p) * 1_000_000] })
  }

  #wrongSeed(s: LedgerState, r: ReplicaAt): Operation | undefined {
    const kept = this.#device.kept(r.id, r.index)
    const other = R.randomness(s, r.sector!.seedSeq - 1)
    if (kept === undefined || other === undefined) return undefined
    return sealPart(r, kept.sealed.prove(other))
  }

  #outOfWindow(kind: LieKind, s: LedgerState, r: ReplicaAt): Operation | undefined {
    const pw = pendingWindow(this.#p, r)
    const kept = this.#device.kept(r.id, r.index)
    if (pw === undefined || kept === undefined) return undefined
    if (kind === 'seal_replay') return kept.sealProof && sealPart(r, kept.sealProof)
    if (kind === 'late_post') {
      if (this.#last === undefined || s.header.seq < this.#last.deadline) return undefined
      const { period, sectors, proof } = this.#last
      return { type: 'submitWindowPost', period, sectors, proof } as Operation
    }
    const proof = this.#rng.bytes(64)
    return { type: 'submitWindowPost', period: pw.period + 1, sectors: [r.rep.sector], proof } as Operation
  }
}

/** A whole seal proof claimed in one part (the first 7 KiB when it is longer). */
const sealPart = (r: ReplicaAt, proof: Uint8Array): Operation =>
  ({
    type: 'proveCommit',
    deal: r.id,
    replica: r.index,
    part: 0,
    bytes: proof.subarray(0, MAX_PROOF_PART),
    last: true,
  }) as Operation
