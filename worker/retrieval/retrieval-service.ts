// The `retrieval` core service (issue 15, items 1-2): serves `/watt/retrieve/1` from this node's
// block store, and fetches files by CID from other nodes. RPC: retrieval.fetch {cid, range?} ->
// {cid, size, bytes, blob, servers}; event `retrieval` (progress) while a fetch runs. The holders
// are the providers the ledger names (shared/retrieval/find.ts) and the nodes whose signed
// announcements this node holds (find-announcements.ts; how they arrive is left to a gossip
// layer, which hands them to `offerAnnouncement`). Fetched blocks go to the storage service's
// block store, so the file is read back with the UnixFS export and this node can serve it too.
// With `miner` deps (cache-serve.ts) fetched files are an eviction-bounded cache, served and
// announced only while the user has turned serving on (retrieval.serve.set).
import { CID } from 'multiformats/cid'
import type { Verifier } from '../../shared/crypto/signer.ts'
import { createAnnouncementTable } from '../../shared/retrieval/find-announcements.ts'
import { findProviders } from '../../shared/retrieval/find.ts'
import { exportFile } from '../../shared/storage/unixfs-export.ts'
import { fail } from '../../shared/util/errors.ts'
import type { PeerStreams } from '../core/core-streams.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import { ledgerLink, type OnLedger } from '../node/ledger-link.ts'
import { type DealStorage, MAX_RETRIEVE_BYTES } from '../storage/storage-service.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { cacheOwner } from './cache.ts'
import { createMiner, type MinerDeps } from './cache-serve.ts'
import { createFetcher, type FetchProgress } from './fetcher.ts'
import { createLedgerPayments } from './ledger-payments.ts'
import type { RetrievalPayments } from './payments.ts'
import type { MetaStore } from './payments-client.ts'
import type { FetchedFile, FetchParams, RetrievalEvents, RetrievalMethods } from './retrieval-api.ts'
import { type HolderKind, quoteHolders } from './quote.ts'
import { createRetrievalServer } from './retrieve-server.ts'
import { type ByteRange, RETRIEVE_PROTOCOL, spanOf } from './retrieve-wire.ts'

/** Fetches running at once (each holds up to about 2 MiB per server it uses). */
export const MAX_FETCHES = 2
const PROGRESS_MS = 250
/** How long a holder has to answer its terms before the quote leaves it out. */
const QUOTE_STALL_MS = 5000

export interface RetrievalDeps {
  readonly storage: Pick<DealStorage, 'hash' | 'getBlock' | 'putBlock'>
  /** The blocks served to other nodes (default: the block store's; block-source.ts adds deals). */
  readonly serve?: (cid: string) => Promise<Uint8Array | undefined>
  readonly net: PeerStreams
  /** This node's peer id: never asked for its own blocks. */
  readonly peer: string
  readonly verifier: Verifier
  /** A payment layer handed in (tests); without it, `pay` builds the ledger's, else all is free. */
  readonly payments?: RetrievalPayments
  /** Pays and is paid through the ledger's payment channels, signing with the wallet's key. */
  readonly pay?: { readonly key: AccountKey; readonly meta: MetaStore; readonly redeemDelayMs?: number }
  readonly stallMs?: number
  /** Serving as a retrieval miner; without it every block in the store is served. */
  readonly miner?: MinerDeps
}

export interface RetrievalService extends CoreService {
  readonly name: 'retrieval'
  fetch(r: FetchParams): Promise<FetchedFile>
  /** The peers to ask for `cid`: providers per the ledger first, then announcers. */
  holders(cid: string): string[]
  /** Takes an announcement that came from a peer (checked, bounded, expiring). */
  offerAnnouncement(x: unknown): ReturnType<ReturnType<typeof createAnnouncementTable>['offer']>
  /** The retrieval miner, when `miner` deps were given: its price and earnings for the payment layer. */
  readonly miner?: Pick<ReturnType<typeof createMiner>, 'priceOf' | 'recordEarned' | 'tick' | 'stats'>
}

/** Progress events at most every PROGRESS_MS, and the last one always. */
const throttled = (now: () => number, emit: (p: FetchProgress) => void) => {
  let last = Number.NEGATIVE_INFINITY
  return (p: FetchProgress) => {
    if (p.bytes < p.total && now() - last < PROGRESS_MS) return
    last = now()
    emit(p)
  }
}

export const createRetrievalService = (
  c: Pick<ServiceComponents<OnLedger, RetrievalMethods, RetrievalEvents>, 'rpc' | 'services' | 'now'>,
  deps: RetrievalDeps,
): RetrievalService => {
  const link = ledgerLink(c.services, (e) => paid?.closed(e))
  const table = createAnnouncementTable(deps.verifier)
  const miner =
    deps.miner &&
    createMiner({ rpc: c.rpc, now: c.now, peer: deps.peer }, deps.miner, {
      bytesServed: () => server.bytesServed(),
      offer: (a) => table.offer(a, c.now()),
    })
  const paid =
    deps.pay &&
    createLedgerPayments({
      link,
      ...deps.pay,
      now: c.now,
      priceOf: (cid) => miner?.priceOf(cid) ?? 0n,
      onEarned: (amount) => miner?.recordEarned(amount),
    })
  const payments = deps.payments ?? paid?.payments
  const server = createRetrievalServer({
    getBlock: deps.serve ?? deps.storage.getBlock,
    payments: payments?.server,
    ...(miner ? { serves: miner.serves } : {}),
  })
  let running = 0

  /** The peers to ask, providers first, each once, never this node. */
  const holderKinds = (cid: string): { peer: string; kind: HolderKind }[] => {
    const l = link.get()
    const providers = l ? findProviders(l.current().state, cid).map((h) => h.peer) : []
    const announced = table.holders(cid, c.now()).map((a) => a.peer)
    const kinds = new Map<string, HolderKind>(providers.map((peer) => [peer, 'provider']))
    for (const peer of announced) if (!kinds.has(peer)) kinds.set(peer, 'cache')
    kinds.delete(deps.peer)
    return [...kinds].map(([peer, kind]) => ({ peer, kind }))
  }
  const holders = (cid: string): string[] => holderKinds(cid).map((h) => h.peer)
  const quote = (cid: string) => quoteHolders(deps.net, deps.stallMs ?? QUOTE_STALL_MS, cid, holderKinds(cid))

  /** The file's bytes (of the range) from the local store, checked again block by block. */
  const readBack = async (cid: CID, range: ByteRange | undefined): Promise<Blob> => {
    const parts: Uint8Array[] = []
    let size = 0
    const get = async (x: CID) => deps.storage.getBlock(x.toString())
    for await (const part of exportFile(cid, get, { hash: deps.storage.hash(), span: spanOf(range) })) {
      size += part.length
      if (size > MAX_RETRIEVE_BYTES) fail('too_large', { limit: MAX_RETRIEVE_BYTES })
      parts.push(part)
    }
    return new Blob(parts as BlobPart[])
  }

  const fetch = async (r: FetchParams): Promise<FetchedFile> => {
    if (running >= MAX_FETCHES) fail('busy', { max: MAX_FETCHES })
    running++
    const root = r.cid.trim()
    let whole = false
    try {
      const fetcher = createFetcher({
        net: deps.net,
        hash: deps.storage.hash(),
        putBlock: async (cid, bytes) => {
          const added = await deps.storage.putBlock(cid, bytes, cacheOwner(root))
          miner?.added(root, cid, added)
        },
        getLocal: deps.storage.getBlock,
        now: c.now,
        payments,
        stallMs: deps.stallMs,
      })
      const onProgress = throttled(c.now, (p) => c.rpc.broadcast('retrieval', { cid: r.cid, ...p }))
      const res = await fetcher({
        cid: root,
        servers: holders(root),
        range: r.range,
        ...(r.maxPay !== undefined ? { maxPay: BigInt(r.maxPay) } : {}),
        onProgress,
      })
      if (!res.ok) return fail(res.error.code, res.error)
      const blob = await readBack(CID.parse(res.value.cid), r.range)
      whole = !r.range
      return { cid: res.value.cid, size: res.value.size, bytes: blob.size, blob, servers: res.value.servers }
    } finally {
      running--
      await miner?.fetched(root, whole)
    }
  }

  return {
    name: 'retrieval',
    async start() {
      c.rpc.register('retrieval.fetch', (p) => fetch(p))
      c.rpc.register('retrieval.quote', (p) => quote(p.cid.trim()))
      await miner?.start()
      deps.net.handle(RETRIEVE_PROTOCOL, server.onRequest)
    },
    stop() {
      link.stop()
      paid?.stop()
      miner?.stop()
    },
    fetch,
    holders,
    offerAnnouncement: (x) => table.offer(x, c.now()),
    ...(miner ? { miner } : {}),
  }
}
