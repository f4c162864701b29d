// The client's side of a deal (issue 13, items 1, 2 and 8): a quote from the standing asks, then
// "store on the network": the file is imported as UnixFS into this device's block store (the
// blocks the providers are sent), its CommD computed over the zero-padded piece, the deal
// published with the quoted providers (the escrow is the quote), and once a ledger holds the
// deal, each replica's blocks are pushed to its provider's node over `/watt/deal/1`. Local
// records remember the file's name and each transfer's progress; the ledger says the rest.
import type { Address } from '../../shared/crypto/address.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { dealSealParams, providerKey } from '../../shared/market/binding.ts'
import { marketModule } from '../../shared/market/module.ts'
import { clientCollateralOf, sectorSizeFor, termPrice } from '../../shared/market/pricing.ts'
import type { Replica } from '../../shared/market/store.ts'
import { type Quote, quoteDeal } from '../../shared/market/quote.ts'
import { commDOf } from '../../shared/storage/sealing.ts'
import { importFile } from '../../shared/storage/unixfs-import.ts'
import { toWattError, fail } from '../../shared/util/errors.ts'
import type { GenesisConfig } from '../../shared/ledger/index.ts'
import { chunksOf, type FileSource } from '../storage/importer.ts'
import type { DealStorage } from '../storage/storage-service.ts'
import type { MarketTxs } from './market-txs.ts'

const R = marketModule.readers
/** How long the providers have to receive, seal and prove a deal before its start deadline. */
export const START_WITHIN_MS = 30 * 60_000
/** Client deals remembered on this device. */
export const MAX_CLIENT_DEALS = 200
const LIST_KEY = 'market/client-deals'
/** Ledgers between two tries of a transfer that failed (the provider's node may come back). */
const RETRY_LEDGERS = 10

export interface TransferProgress {
  readonly state: 'waiting' | 'sending' | 'done' | 'refused'
  readonly sent: number
  readonly transport?: string
  readonly error?: string
}

export interface ClientDeal {
  readonly txId: string
  readonly cid: string
  readonly name: string
  readonly size: number
  readonly deal?: number
  readonly providers: readonly { readonly provider: string; readonly peer: string }[]
  readonly transfers: readonly TransferProgress[]
  /** Replicas of this deal already replaced by a new deal (a lost copy is repaired once). */
  readonly repaired?: readonly number[]
  /** `<deal>/<replica>` this deal replaces. */
  readonly repairOf?: string
  /**
   * A deal asked for by a bid (the network picks the providers): how many replicas and the most
   * it pays per GiB per day. Its providers join once the bid is matched (a ledger holds the deal).
   */
  readonly bid?: { readonly replicas: number; readonly maxPrice: string }
}

export interface BidRequest extends StoreRequest {
  /** Base units per GiB per day at most, per replica. */
  readonly maxPrice: bigint
}

export interface StoreRequest {
  readonly file: FileSource
  readonly replicas: number
  readonly days: number
}

/** Pushes one replica's blocks to its provider; resolves with the outcome (never throws). */
export type PushPiece = (o: {
  peerId: string
  deal: number
  replica: number
  cid: string
  getBlock: (cid: string) => Promise<Uint8Array>
  onProgress: (sent: number, transport: string) => void
}) => Promise<{ ok: true; transport: string } | { ok: false; error: { code: string } }>

export const periodsFor = (days: number, config: GenesisConfig, state: LedgerState): number => {
  const periodMs = R.params(state).provingPeriodLedgers * config.closeIntervalMs
  return Math.max(1, Math.ceil((days * config.dayLengthMs) / periodMs))
}

export const quoteFor = (
  state: LedgerState,
  config: GenesisConfig,
  me: string,
  r: { size: number; replicas: number; days?: number; periods?: number; exclude?: readonly string[] },
): Quote => {
  const p = R.params(state)
  const periodMs = p.provingPeriodLedgers * config.closeIntervalMs
  const periods = r.periods ?? periodsFor(r.days ?? 1, config, state)
  if (periods > p.maxDealPeriods)
    fail('too_long', { maxDays: Math.floor((p.maxDealPeriods * periodMs) / config.dayLengthMs) })
  const q = quoteDeal(state, {
    size: r.size,
    replicas: r.replicas,
    periods,
    client: me,
    periodMs,
    dayMs: config.dayLengthMs,
    ...(r.exclude ? { exclude: r.exclude } : {}),
  })
  return q.ok ? q.value : fail(q.error.code, q.error)
}

/** Imports the file into the block store and computes the CommD of its padded piece. */
const importPiece = async (storage: DealStorage, file: FileSource, state: LedgerState, owner: string) => {
  const p = R.params(state)
  const piece = new Uint8Array(sectorSizeFor(p, file.size))
  let at = 0
  async function* copied() {
    for await (const chunk of chunksOf(file.stream())) {
      if (at + chunk.length > file.size) fail('file_changed', { size: file.size })
      piece.set(chunk, at)
      at += chunk.length
      yield chunk
    }
  }
  const sink = async (b: { cid: { toString(): string }; bytes: Uint8Array }) => {
    await storage.putBlock(b.cid.toString(), b.bytes, owner)
  }
  const res = await importFile(copied(), sink, {
    hash: storage.hash(),
  })
  if (at !== file.size) fail('file_changed', { size: file.size, read: at })
  return { cid: res.cid.toString(), commD: commDOf(dealSealParams(p, file.size), piece, storage.hash()) }
}

export const createClientDeals = async (d: {
  storage: DealStorage
  txs: MarketTxs
  push: PushPiece
  changed: () => void
}) => {
  let deals: ClientDeal[] = (await d.storage.getMeta<ClientDeal[]>(LIST_KEY)) ?? []
  const running = new Set<string>()
  /** The ledger each transfer or repair was last started at (a failed one is tried again later). */
  const tried = new Map<string, number>()
  const save = () => d.storage.putMeta(LIST_KEY, deals)
  const update = async (txId: string, f: (c: ClientDeal) => ClientDeal, persist = true) => {
    deals = deals.map((c) => (c.txId === txId ? f(c) : c))
    if (persist) await save()
    d.changed()
  }

  interface Ctx {
    readonly me: Address
    readonly state: LedgerState
    readonly config: GenesisConfig
  }
  interface Piece {
    readonly cid: string
    readonly commD: Uint8Array
    readonly size: number
    readonly periods: number
    readonly name: string
  }

  /** Publishes a deal for a piece with the quoted providers and remembers it. */
  const publish = async (o: Ctx, piece: Piece, quote: Quote, repairOf?: string) => {
    const startIn = Math.ceil(START_WITHIN_MS / o.config.closeIntervalMs)
    const op = {
      type: 'publishDeal',
      cid: piece.cid,
      commD: piece.commD,
      size: piece.size,
      periods: piece.periods,
      startBy: o.state.header.seq + Math.min(R.params(o.state).maxStartLedgers, startIn),
      providers: quote.replicas.map((x) => providerKey(x.provider)),
    }
    const { id } = await d.txs.submit('publishDeal', [op], quote.total + quote.clientCollateral)
    const providers = quote.replicas.map((x) => ({ provider: x.provider, peer: x.peer }))
    const record: ClientDeal = {
      txId: id,
      cid: piece.cid,
      name: piece.name,
      size: piece.size,
      providers,
      transfers: providers.map(() => ({ state: 'waiting', sent: 0 })),
      ...(repairOf ? { repairOf } : {}),
    }
    deals = [...deals, record].slice(-MAX_CLIENT_DEALS)
    await save()
    d.changed()
    return { id, cid: piece.cid, amount: String(quote.total) }
  }

  const checkFile = (r: StoreRequest, o: Ctx) => {
    const p = R.params(o.state)
    if (r.file.size < 1) fail('empty_file')
    if (r.file.size > p.maxSectorSize) fail('too_large', { max: p.maxSectorSize })
  }

  const store = async (r: StoreRequest, o: Ctx & { name: string }) => {
    checkFile(r, o)
    const quote = quoteFor(o.state, o.config, o.me, { size: r.file.size, replicas: r.replicas, days: r.days })
    const { cid, commD } = await importPiece(d.storage, r.file, o.state, `deal:${o.me}`)
    const periods = periodsFor(r.days, o.config, o.state)
    return publish(o, { cid, commD, size: r.file.size, periods, name: o.name }, quote)
  }

  /**
   * Posts a bid: the network's close step picks the cheapest able providers (shared/market/match.ts).
   * The lock is the worst case (every replica at maxPrice, with its client collateral); what the
   * matched asks leave over comes back. The start deadline leaves the providers the usual time
   * after the bid's last chance to match.
   */
  const bid = async (r: BidRequest, o: Ctx & { name: string }) => {
    checkFile(r, o)
    const p = R.params(o.state)
    const periods = periodsFor(r.days, o.config, o.state)
    if (periods > p.maxDealPeriods) fail('too_long', { maxPeriods: p.maxDealPeriods })
    const periodMs = p.provingPeriodLedgers * o.config.closeIntervalMs
    const one = termPrice(r.maxPrice, r.file.size, periods, periodMs, o.config.dayLengthMs)
    const locked = BigInt(r.replicas) * (one + clientCollateralOf(p, one))
    const { cid, commD } = await importPiece(d.storage, r.file, o.state, `deal:${o.me}`)
    const startIn = Math.ceil(START_WITHIN_MS / o.config.closeIntervalMs)
    const startBy = o.state.header.seq + Math.min(p.maxStartLedgers, p.bidLedgers + startIn)
    const op = {
      type: 'postBid',
      cid,
      commD,
      size: r.file.size,
      replicas: r.replicas,
      periods,
      startBy,
      maxPrice: r.maxPrice,
    }
    const { id } = await d.txs.submit('postBid', [op], locked)
    const record: ClientDeal = {
      txId: id,
      cid,
      name: o.name,
      size: r.file.size,
      providers: [],
      transfers: [],
      bid: { replicas: r.replicas, maxPrice: String(r.maxPrice) },
    }
    deals = [...deals, record].slice(-MAX_CLIENT_DEALS)
    await save()
    d.changed()
    return { id, cid, locked: String(locked) }
  }

  /**
   * A replica that ended early (faults, not activated, rejected) is replaced once, for the rest
   * of its term, by a provider holding no copy of the file; the blocks are still on this device.
   */
  const repair = async (o: Ctx, c: ClientDeal, deal: NonNullable<ReturnType<typeof R.deal>>, i: number) => {
    await update(c.txId, (x) => ({ ...x, repaired: [...(x.repaired ?? []), i] }))
    const live = R.dealsByCid(o.state, c.cid).flatMap((x) =>
      x.replicaList.filter((r) => r.state !== 'terminated' && r.state !== 'expired').map((r) => r.provider),
    )
    const periods = Math.max(1, deal.periods - deal.replicaList[i]!.windows)
    const exclude = [...live, deal.replicaList[i]!.provider]
    const quote = quoteFor(o.state, o.config, o.me, { size: deal.size, replicas: 1, periods, exclude })
    const piece = { cid: c.cid, commD: deal.commD, size: deal.size, periods, name: c.name }
    await publish(o, piece, quote, `${deal.id}/${i}`)
  }

  const pushReplica = (c: ClientDeal, deal: number, i: number) => {
    const key = `${c.txId}/${i}`
    if (running.has(key)) return
    running.add(key)
    const setT = (t: TransferProgress, persist = true) =>
      update(c.txId, (x) => ({ ...x, transfers: x.transfers.map((y, j) => (j === i ? t : y)) }), persist)
    void (async () => {
      await setT({ state: 'sending', sent: 0 })
      const res = await d.push({
        peerId: c.providers[i]!.peer,
        deal,
        replica: i,
        cid: c.cid,
        getBlock: async (cid) => (await d.storage.getBlock(cid)) ?? fail('missing_block', { cid }),
        onProgress: (sent, transport) => void setT({ state: 'sending', sent, transport }, false),
      })
      if (res.ok) await setT({ state: 'done', sent: c.size, transport: res.transport })
      else await setT({ state: 'refused', sent: 0, error: res.error.code })
    })()
      .catch((e) => console.warn('market client:', key, toWattError(e).code))
      .finally(() => running.delete(key))
  }

  const pushDue = (c: ClientDeal, deal: NonNullable<ReturnType<typeof R.deal>>, seq: number) =>
    c.transfers.forEach((t, i) => {
      if (t.state === 'done' || deal.replicaList[i]?.state !== 'proposed') return
      const key = `${c.txId}/${i}`
      const last = tried.get(key)
      if (last !== undefined && seq - last < RETRY_LEDGERS) return
      tried.set(key, seq)
      pushReplica(c, deal.id, i)
    })

  /**
   * Replicas the ledger has beyond this deal's rows join them and are sent the data as the first
   * replicas were: every replica of a matched bid, and a successor of a replica its provider
   * handed over (hand-overs.ts).
   */
  const adoptReplicas = async (o: Ctx, c: ClientDeal, deal: NonNullable<ReturnType<typeof R.deal>>) => {
    const added = deal.replicaList.slice(c.providers.length).map((r) => ({
      provider: r.provider,
      peer: R.provider(o.state, r.provider).ask?.peer ?? '',
    }))
    if (added.length === 0) return
    await update(c.txId, (x) => ({
      ...x,
      providers: [...x.providers, ...added],
      transfers: [...x.transfers, ...added.map(() => ({ state: 'waiting', sent: 0 }) as const)],
    }))
  }

  /** A successor that never took its predecessor over (it did not seal in time) lost no copy. */
  const neverTookOver = (deal: NonNullable<ReturnType<typeof R.deal>>, rep: Replica) =>
    rep.from !== undefined && deal.replicaList[rep.from]?.reason !== 'handed_over'

  /** A repair that could not be published (no ask qualifies, funds short) is tried again later. */
  const repairsDue = (o: Ctx, c: ClientDeal, deal: NonNullable<ReturnType<typeof R.deal>>) =>
    deal.replicaList.forEach((rep, i) => {
      if (rep.state !== 'terminated' || rep.reason === '' || c.repaired?.includes(i)) return
      if (neverTookOver(deal, rep)) return
      const key = `repair/${c.txId}/${i}`
      const last = tried.get(key)
      if (last !== undefined && o.state.header.seq - last < RETRY_LEDGERS) return
      tried.set(key, o.state.header.seq)
      void repair(o, c, deal, i).catch(async (e) => {
        console.warn('market repair:', c.cid, toWattError(e).code)
        await update(c.txId, (x) => ({ ...x, repaired: (x.repaired ?? []).filter((j) => j !== i) }))
      })
    })

  /** Finds each published deal's id on the ledger, sends what has not been sent, repairs losses. */
  const onLedger = async (o: Ctx) => {
    const mine = R.dealsByClient(o.state, o.me)
    for (const c of deals) {
      if (c.deal === undefined) {
        const taken = new Set(deals.map((x) => x.deal))
        const found = mine.find((x) => x.cid === c.cid && !taken.has(x.id))
        if (!found) continue
        await update(c.txId, (x) => ({ ...x, deal: found.id }))
      }
      const deal = R.deal(o.state, deals.find((x) => x.txId === c.txId)!.deal!)
      if (!deal) continue
      await adoptReplicas(o, c, deal)
      const cur = deals.find((x) => x.txId === c.txId)!
      pushDue(cur, deal, o.state.header.seq)
      repairsDue(o, cur, deal)
    }
  }

  return { store, bid, onLedger, all: (): readonly ClientDeal[] => deals }
}

export type ClientDeals = Awaited<ReturnType<typeof createClientDeals>>
