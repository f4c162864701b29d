// The provider's side of a deal on this device (issue 13, items 3-5). A replica the ledger gives
// this wallet receives its data into a sector's data file (the transfer service writes it); then
// it is sealed under the deal's ticket, CommR is pre-committed, the seal proof is made from the
// seed ledger's hash and posted in parts, and every window of the sector's position is answered.
// Ledger-driven and idempotent: after each closed ledger the next step is recomputed from what the
// ledger holds (the replica's state, the parts it stored, the period last proven), so a reload, a
// dropped transaction or a refused part only repeats a step. Data that does not match the deal's
// CommD is refused on the ledger (rejectDeal), with no penalty.
import type { Address } from '../../shared/crypto/address.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { dealSealParams, dealTicket, windowOpen, windowPosition } from '../../shared/market/binding.ts'
import { MAX_PROOF_PART } from '../../shared/market/commit.ts'
import { marketModule } from '../../shared/market/module.ts'
import type { MarketParams } from '../../shared/market/params.ts'
import type { PieceReceiverState } from '../../shared/market/piece-receiver.ts'
import type { Sector } from '../../shared/market/store.ts'
import { fromHex, toHex } from '../../shared/util/bytes.ts'
import { toWattError } from '../../shared/util/errors.ts'
import type { DealStorage } from '../storage/storage-service.ts'
import type { MarketTxs } from './market-txs.ts'
import { type ProviderReplica, type ReplicaStore, replicaKey, replicaOwner } from './replica-store.ts'

const R = marketModule.readers

/** Seal-proof parts in flight at once (the mempool holds 16 per account). */
const PARTS_IN_FLIGHT = 8
/** Ledgers to wait before sending a step's transaction again when the ledger has not taken it. */
const RESEND_LEDGERS = 8

/** What the deal-data protocol asks of the provider (deal-receive.ts). */
export interface ReceiverHooks {
  /** The piece a replica of this wallet's expects and how far its transfer got, or why not. */
  expect(
    deal: number,
    replica: number,
  ): Promise<{ cid: string; size: number; receiver?: PieceReceiverState } | { code: string }>
  write(deal: number, replica: number, offset: number, bytes: Uint8Array): Promise<void>
  /** Keeps a checked dag-pb node of the deal (the leaves go to the sector by `write`). */
  keep(deal: number, replica: number, cid: string, bytes: Uint8Array): Promise<void>
  /** Saves the transfer's progress (after its blocks were written). */
  save(deal: number, replica: number, state: PieceReceiverState): Promise<void>
  done(deal: number, replica: number): Promise<void>
}

export interface ProviderDeps {
  readonly storage: DealStorage
  readonly txs: MarketTxs
  readonly records: ReplicaStore
  readonly changed: () => void
}

interface Me {
  readonly address: Address
  readonly publicKey: Uint8Array
}

export const createProviderDeals = (d: ProviderDeps) => {
  const busy = new Set<string>()
  /** Ledger of the last send per replica step, so a pending step is not sent every ledger. */
  const sent = new Map<string, number>()
  /** Per replica, the next seal-proof part not yet sent, and since when the ledger's count stands. */
  const nextPart = new Map<string, number>()
  const partsSeen = new Map<string, { parts: number; seq: number }>()
  /** True once every RESEND_LEDGERS while the ledger's stored part count does not move. */
  const stalledAt = (key: string, parts: number, seq: number) => {
    const seen = partsSeen.get(key)
    if (seen?.parts === parts && seq - seen.seq < RESEND_LEDGERS) return false
    partsSeen.set(key, { parts, seq })
    return seen?.parts === parts
  }

  /** A failed step is kept on its replica's record (`<deal>/<replica>/...` keys): the screen shows it. */
  const noteError = async (key: string, error: string | undefined) => {
    const [deal, replica] = key.split('/').map(Number) as [number, number]
    const rec = d.records.get(deal, replica)
    if (rec && rec.error !== error) await d.records.patch(rec, (r) => ({ ...r, error }))
  }
  const failed = (key: string, e: unknown) => {
    const code = toWattError(e).code
    console.warn('market provider:', key, code)
    return noteError(key, code)
  }

  const once = (key: string, job: () => Promise<void>) => {
    if (busy.has(key)) return
    busy.add(key)
    void job()
      .then(
        () => noteError(key, undefined),
        (e) => failed(key, e),
      )
      .catch(() => {})
      .finally(() => {
        busy.delete(key)
        d.changed()
      })
  }
  const due = (key: string, seq: number) => {
    const last = sent.get(key)
    if (last !== undefined && seq - last < RESEND_LEDGERS) return false
    sent.set(key, seq)
    return true
  }

  const seal = async (rec: ProviderReplica, me: Me, state: LedgerState, p: MarketParams) => {
    // a resumed seal keeps its ticket: the worker's checkpoint belongs to that replica id
    const ticketSeq = rec.ticketSeq ?? state.header.seq
    const ticket = dealTicket(R.randomness(state, ticketSeq)!, rec.deal, rec.replica)
    await d.records.put({ ...rec, phase: 'sealing', ticketSeq, layer: 0, fraction: 0 })
    const res = await d.storage.run(
      {
        type: 'seal',
        sector: rec.sector,
        params: dealSealParams(p, rec.size),
        provider: me.publicKey,
        ticket,
      },
      (e) => void d.records.patch(rec, (r) => ({ ...r, layer: e.layer, fraction: e.fraction }), false),
    )
    if (res.type !== 'sealed') throw { code: 'bad_result', type: res.type }
    const deal = R.deal(state, rec.deal)!
    if (res.info.commD !== toHex(deal.commD)) {
      await d.records.patch(rec, (r) => ({ ...r, phase: 'failed', error: 'commd_mismatch' }))
      await d.storage.deleteBlocksOf(replicaOwner(rec))
      await d.txs.submit('rejectDeal', [{ type: 'rejectDeal', deal: rec.deal, replica: rec.replica }])
      return
    }
    await d.records.patch(rec, (r) => ({
      ...r,
      phase: 'sealed',
      commR: res.info.commR,
      layer: p.sealLayers,
      fraction: 1,
    }))
  }

  const preCommit = async (rec: ProviderReplica) => {
    const op = {
      type: 'preCommit',
      deal: rec.deal,
      replica: rec.replica,
      sectorNumber: rec.sector,
      ticketSeq: rec.ticketSeq!,
      commR: fromHex(rec.commR!),
    }
    await d.txs.submit('preCommit', [op])
  }

  /** The seal proof for the sector's seed, made once and kept (the worker drops its layers). */
  const sealProof = async (rec: ProviderReplica, sector: Sector, state: LedgerState) => {
    if (rec.proofSeed === sector.seedSeq && rec.proof) return rec.proof
    const seed = R.randomness(state, sector.seedSeq)!
    const res = await d.storage.run({ type: 'seal-proof', sector: rec.sector, seed })
    if (res.type !== 'seal-proof') throw { code: 'bad_result', type: res.type }
    await d.records.patch(rec, (r) => ({ ...r, proof: res.proof, proofSeed: sector.seedSeq }))
    return res.proof
  }

  /**
   * Posts the next parts not yet sent, a bounded number in flight. The ledger's stored count moves
   * only as parts apply, so parts sent and still pending are not sent again, unless the ledger
   * stored nothing new for RESEND_LEDGERS (a part was dropped): then from its count again.
   */
  const postParts = async (rec: ProviderReplica, sector: Sector, state: LedgerState, from: number) => {
    const proof = await sealProof(rec, sector, state)
    const count = Math.ceil(proof.length / MAX_PROOF_PART)
    const room = PARTS_IN_FLIGHT - d.txs.pending('proveCommit')
    const key = replicaKey(rec)
    for (let k = from; k < Math.min(count, from + room); k++) {
      const bytes = proof.subarray(k * MAX_PROOF_PART, (k + 1) * MAX_PROOF_PART)
      const op = {
        type: 'proveCommit',
        deal: rec.deal,
        replica: rec.replica,
        part: k,
        bytes,
        last: k === count - 1,
      }
      await d.txs.submit('proveCommit', [op])
      nextPart.set(key, k + 1)
    }
  }

  const stepSealing = (rec: ProviderReplica, me: Me, state: LedgerState) => {
    const sector = R.sector(state, me.address, rec.sector)
    if (!sector || state.header.seq < sector.seedSeq) return
    const key = replicaKey(rec)
    const stalled = stalledAt(key, sector.parts, state.header.seq)
    const from = stalled ? sector.parts : Math.max(sector.parts, nextPart.get(key) ?? 0)
    if (stalled || d.txs.pending('proveCommit') < PARTS_IN_FLIGHT)
      once(`${key}/prove`, () => postParts(rec, sector, state, from))
  }

  const step = (rec: ProviderReplica, me: Me, state: LedgerState, p: MarketParams) => {
    const rep = R.deal(state, rec.deal)?.replicaList[rec.replica]
    if (!rep || rep.provider !== me.address) return
    const key = replicaKey(rec)
    if (rep.state === 'terminated' || rep.state === 'expired') return finish(rec)
    if (rep.state === 'proposed' && (rec.phase === 'received' || rec.phase === 'sealing'))
      once(`${key}/seal`, () => seal(rec, me, state, p))
    else if (rep.state === 'proposed' && rec.phase === 'sealed' && due(`${key}/pre`, state.header.seq))
      once(`${key}/pre`, () => preCommit(rec))
    else if (rep.state === 'sealing') stepSealing(rec, me, state)
  }

  const finish = (rec: ProviderReplica) => {
    if (rec.phase === 'ended') return
    nextPart.delete(replicaKey(rec))
    partsSeen.delete(replicaKey(rec))
    once(`${replicaKey(rec)}/end`, async () => {
      await d.records.patch(rec, (r) => ({ ...r, phase: 'ended', proof: undefined }))
      await d.storage.deleteBlocksOf(replicaOwner(rec))
      await d.storage.run({ type: 'delete', sector: rec.sector }).catch(() => {})
    })
  }

  /** Window proofs due now: every active sector of a position whose window is open at `seq`. */
  const windows = (me: Me, state: LedgerState, p: MarketParams) => {
    const seq = state.header.seq
    const byPos = new Map<number, { rec: ProviderReplica; sector: Sector; period: number }[]>()
    for (const rec of d.records.all()) {
      const rep = R.deal(state, rec.deal)?.replicaList[rec.replica]
      if (!rep || (rep.state !== 'active' && rep.state !== 'faulty') || rep.provider !== me.address) continue
      const sector = R.sector(state, me.address, rec.sector)
      if (!sector) continue
      const pos = windowPosition(p, rec.sector)
      const period = Math.floor((seq - pos * p.windowLedgers) / p.provingPeriodLedgers)
      const open = windowOpen(p, period, pos)
      if (
        period < sector.firstPeriod ||
        sector.proven >= period ||
        seq < open ||
        seq >= open + p.windowLedgers
      )
        continue
      byPos.set(pos, [...(byPos.get(pos) ?? []), { rec, sector, period }])
    }
    for (const [pos, due] of byPos) for (const x of due) proveWindow(me, state, p, pos, x)
  }

  const proveWindow = (
    me: Me,
    state: LedgerState,
    p: MarketParams,
    pos: number,
    x: { rec: ProviderReplica; sector: Sector; period: number },
  ) => {
    const key = `${replicaKey(x.rec)}/window/${x.period}`
    if (sent.has(key)) return
    sent.set(key, state.header.seq)
    once(key, async () => {
      const randomness = R.randomness(state, windowOpen(p, x.period, pos))!
      const prevDigest = R.chainDigest(state, me.address, pos)
      const sectorSize = dealSealParams(p, x.rec.size).sectorSize
      const res = await d.storage.run({
        type: 'window-post',
        randomness,
        prevDigest,
        sectors: [{ sector: x.rec.sector, sectorSize, commR: x.sector.commR }],
        challenges: p.postChallenges,
      })
      if (res.type !== 'window-post') throw { code: 'bad_result', type: res.type }
      if (res.proven.length === 0) throw { code: res.faulty[0]?.error.code ?? 'unreadable' }
      const op = { type: 'submitWindowPost', period: x.period, sectors: [x.rec.sector], proof: res.proof }
      await d.txs.submit('windowPost', [op])
      await d.records.patch(x.rec, (r) => ({ ...r, windows: r.windows + 1 }))
    })
  }

  /** Data is taken only for a `proposed` replica of this wallet, into a sector of its own. */
  const expect = async (state: LedgerState, me: Me, deal: number, replica: number) => {
    const dv = R.deal(state, deal)
    const rep = dv?.replicaList[replica]
    if (!dv || !rep) return { code: 'unknown_deal' }
    if (rep.provider !== me.address) return { code: 'not_provider' }
    if (rep.state !== 'proposed') return { code: 'bad_state' }
    const rec = d.records.get(deal, replica)
    const piece = { cid: dv.cid, size: dv.size }
    // all of it came before: the client is told so (a done state), not refused
    if (rec && rec.phase !== 'receiving')
      return { ...piece, receiver: { pending: [], offset: dv.size, blocks: 0 } }
    if (rec) return rec.receiver ? { ...piece, receiver: rec.receiver } : piece
    const sector = await d.storage.allocSector()
    await d.records.put({ deal, replica, ...piece, sector, phase: 'receiving', received: 0, windows: 0 })
    return piece
  }

  const receiving = (current: () => { state: LedgerState; me: Me } | undefined): ReceiverHooks => ({
    expect: async (deal, replica) => {
      const c = current()
      return c ? expect(c.state, c.me, deal, replica) : { code: 'not_ready' }
    },
    write: async (deal, replica, offset, bytes) => {
      const rec = d.records.get(deal, replica)
      if (rec?.phase !== 'receiving') throw { code: 'bad_state' }
      const res = await d.storage.run({ type: 'write', sector: rec.sector, offset, bytes })
      if (res.type !== 'written') throw { code: 'bad_result', type: res.type }
    },
    keep: async (deal, replica, cid, bytes) => {
      if (d.records.get(deal, replica)?.phase !== 'receiving') throw { code: 'bad_state' }
      await d.storage.putBlock(cid, bytes, replicaOwner({ deal, replica }))
    },
    save: async (deal, replica, state) => {
      await d.records.patch({ deal, replica }, (r) => ({ ...r, received: state.offset, receiver: state }))
      d.changed()
    },
    done: async (deal, replica) => {
      await d.records.patch({ deal, replica }, (r) => ({
        ...r,
        phase: 'received',
        received: r.size,
        receiver: undefined,
      }))
      d.changed()
    },
  })

  return {
    receiving,
    /** After every closed ledger: the next step of each replica and the windows due. */
    onLedger(state: LedgerState, me: Me) {
      const p = R.params(state)
      for (const rec of d.records.all()) step(rec, me, state, p)
      windows(me, state, p)
      if (sent.size > 4096) sent.clear()
    },
  }
}
