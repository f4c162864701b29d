// A simulated storage provider's device: what it keeps off the ledger (its sealed sectors, each
// seal proof once its seed ledger closed, the sector numbers it used) and, from each closed ledger,
// the operations an honest provider sends next, recomputed from the ledger every time as
// worker/market/provider-deals.ts does: its ask and collateral, a seal and pre-commit for each
// proposed replica, the seal proof in parts, and a window proof for every window that opens.
// Sealing and proving use the repo's prover (shared/market/test/prover.ts), the shared/storage code.
import type { Address } from '../crypto/address.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import type { LedgerState } from '../ledger/state.ts'
import { windowDeadline, windowOpen, windowPosition } from '../market/binding.ts'
import { MAX_PROOF_PART } from '../market/commit.ts'
import { marketModule } from '../market/module.ts'
import type { MarketParams } from '../market/params.ts'
import type { DealView } from '../market/readers.ts'
import type { Replica, Sector } from '../market/store.ts'
import { proveWindowFor, type SealedSector, sealDeal } from '../market/test/prover.ts'
import { SIM_ASK } from './market-plan.ts'

const R = marketModule.readers

/** A well-formed peer id for the simulated asks (no data travels in the simulator). */
const SIM_PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

export interface KeptSector {
  readonly sealed: SealedSector
  readonly ticketSeq: number
  /** The seal proof for the seed of its pre-commit, made once. */
  sealProof?: Uint8Array
}

/** One of the provider's replicas as the ledger has it. */
export interface ReplicaAt {
  readonly id: number
  readonly index: number
  readonly deal: DealView
  readonly rep: Replica
  readonly sector: Sector | undefined
}

export interface WindowDue {
  readonly period: number
  readonly pos: number
  readonly open: number
  readonly sectors: SealedSector[]
}

const isLive = (r: Replica) => r.state !== 'terminated' && r.state !== 'expired'

/** The window an active or faulty replica is to be proven in next: period, position, opening. */
export const pendingWindow = (p: MarketParams, r: ReplicaAt) => {
  if ((r.rep.state !== 'active' && r.rep.state !== 'faulty') || !r.sector) return undefined
  const period = r.sector.firstPeriod + r.rep.windows
  const pos = windowPosition(p, r.rep.sector)
  return { period, pos, open: windowOpen(p, period, pos), deadline: windowDeadline(p, period, pos) }
}

export class ProviderDevice {
  readonly address: Address
  readonly #p: MarketParams
  readonly #pieceOf: (cid: string) => Uint8Array | undefined
  /** By `deal/replica`; ended replicas are forgotten, so it holds at most the live ones. */
  readonly #kept = new Map<string, KeptSector>()
  /** The shortest term its ask takes (market-plan.ts minPeriodsOf). */
  readonly #minPeriods: number
  #nextSector = 1

  constructor(
    p: MarketParams,
    address: Address,
    pieceOf: (cid: string) => Uint8Array | undefined,
    minPeriods = 1,
  ) {
    this.#p = p
    this.address = address
    this.#pieceOf = pieceOf
    this.#minPeriods = minPeriods
  }

  kept(id: number, index: number): KeptSector | undefined {
    return this.#kept.get(`${id}/${index}`)
  }

  /** The provider's replicas on the ledger; the sealed sectors of ended ones are dropped. */
  replicas(s: LedgerState): ReplicaAt[] {
    const out = R.replicasOf(s, this.address).map(([id, index]): ReplicaAt => {
      const deal = R.deal(s, id)!
      const rep = deal.replicaList[index]!
      const sector = rep.sector < 0 ? undefined : R.sector(s, this.address, rep.sector)
      return { id, index, deal, rep, sector }
    })
    for (const r of out) if (!isLive(r.rep)) this.#kept.delete(`${r.id}/${r.index}`)
    return out
  }

  /** The windows open at ledger `s` with a sector of this provider not proven yet. */
  windowsDue(s: LedgerState, reps: readonly ReplicaAt[]): WindowDue[] {
    const seq = s.header.seq
    const due = new Map<string, WindowDue>()
    for (const r of reps) {
      const kept = this.kept(r.id, r.index)
      const pw = pendingWindow(this.#p, r)
      if (!kept || !pw || seq < pw.open || seq >= pw.deadline || r.sector!.proven === pw.period) continue
      const { period, pos, open } = pw
      const w = due.get(`${pos}/${period}`) ?? { period, pos, open, sectors: [] }
      w.sectors.push(kept.sealed)
      due.set(`${pos}/${period}`, w)
    }
    return [...due.values()]
  }

  /** The window proof of `w` on the provider's chain as ledger `s` has it (`randomness` overrides). */
  windowPost(s: LedgerState, w: WindowDue, period = w.period): Operation {
    const input = {
      randomness: R.randomness(s, w.open)!,
      prevDigest: R.chainDigest(s, this.address, w.pos),
    }
    const proof = proveWindowFor(this.#p, input, w.sectors)
    const sectors = w.sectors.map((x) => x.replica.sectorNumber)
    return { type: 'submitWindowPost', period, sectors, proof } as Operation
  }

  /** The seal proof of a sealing replica whose seed ledger closed (made once and kept). */
  sealProof(s: LedgerState, r: ReplicaAt): Uint8Array | undefined {
    const kept = this.kept(r.id, r.index)
    if (r.rep.state !== 'sealing' || !r.sector || !kept || s.header.seq < r.sector.seedSeq) return undefined
    if (s.header.seq > r.sector.seedSeq + this.#p.proveCommitLedgers) return undefined
    kept.sealProof ??= kept.sealed.prove(R.randomness(s, r.sector.seedSeq)!)
    return kept.sealProof
  }

  /** The next seal-proof part of the first replica that has one to send. */
  #sealPart(s: LedgerState, reps: readonly ReplicaAt[]): Operation | undefined {
    for (const r of reps) {
      const proof = this.sealProof(s, r)
      if (proof === undefined) continue
      const from = r.sector!.parts * MAX_PROOF_PART
      const bytes = proof.subarray(from, from + MAX_PROOF_PART)
      const last = from + MAX_PROOF_PART >= proof.length
      return {
        type: 'proveCommit',
        deal: r.id,
        replica: r.index,
        part: r.sector!.parts,
        bytes,
        last,
      } as Operation
    }
    return undefined
  }

  /** Seals each proposed replica (again when its ticket grows old) and pre-commits it. */
  #preCommits(s: LedgerState, reps: readonly ReplicaAt[]): Operation[] {
    const seq = s.header.seq
    const ops: Operation[] = []
    for (const r of reps) {
      const piece = this.#pieceOf(r.deal.cid)
      if (r.rep.state !== 'proposed' || piece === undefined) continue
      let kept = this.kept(r.id, r.index)
      if (kept === undefined || seq - kept.ticketSeq > this.#p.ticketMaxAge / 2) {
        const at = { deal: r.id, replica: r.index, sectorNumber: this.#nextSector++ }
        const sealed = sealDeal(this.#p, {
          provider: this.address,
          ...at,
          ticketHash: s.headerCid.bytes,
          piece,
        })
        kept = { sealed, ticketSeq: seq }
        this.#kept.set(`${r.id}/${r.index}`, kept)
      }
      const { sectorNumber } = kept.sealed.replica
      const commR = kept.sealed.commR
      ops.push({
        type: 'preCommit',
        deal: r.id,
        replica: r.index,
        sectorNumber,
        ticketSeq: kept.ticketSeq,
        commR,
      } as Operation)
    }
    return ops
  }

  /** What an honest provider sends after ledger `s`: window proofs first, each kind alone. */
  next(s: LedgerState, reps: readonly ReplicaAt[]): Operation[] {
    const posts = this.windowsDue(s, reps).map((w) => this.windowPost(s, w))
    if (posts.length > 0) return posts
    if (R.provider(s, this.address).ask === undefined) return setupOps(this.#p, this.#minPeriods)
    const part = this.#sealPart(s, reps)
    return part ? [part] : this.#preCommits(s, reps)
  }
}

/** Collateral for 8 replicas of the largest piece and the standing ask, in one transaction. */
const setupOps = (p: MarketParams, minPeriods: number): Operation[] => [
  { type: 'addCollateral', amount: (8n * SIM_ASK.collateral * BigInt(p.maxSectorSize)) >> 30n } as Operation,
  {
    type: 'postAsk',
    price: SIM_ASK.price,
    collateral: SIM_ASK.collateral,
    minSize: 1,
    maxSize: p.maxSectorSize,
    minPeriods,
    maxPeriods: 1000,
    capacity: SIM_ASK.capacity,
    peer: SIM_PEER,
  } as Operation,
]
