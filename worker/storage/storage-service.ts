// The `storage` core service: the space the user offers, files stored on this device, sectors and
// their states, sealing on proof workers, PoSt windows driven by closed ledgers, retrieval by CID.
// RPC: storage.view, storage.setOffer {offerBytes}, storage.store {file: Blob}, storage.retrieve
// {cid} -> {cid, size, blob}; event `storage` (StorageView) after changes. At start it drops the
// sectors and blocks of an import a reload interrupted and resumes every sector left sealing.
import { CID } from 'multiformats/cid'
import type { Sha256 } from '../../shared/storage/hash.ts'
import { type SealParams, sealParams } from '../../shared/storage/params.ts'
import { exportFile } from '../../shared/storage/unixfs-export.ts'
import { toHex } from '../../shared/util/bytes.ts'
import { fail, toWattError } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import type { ClosedLedgerEvent } from '../node/ledger-node-api.ts'
import { ledgerLink, type OnLedger } from '../node/ledger-link.ts'
import { usedBytes } from './budget.ts'
import { type ComputePool, type ComputePort, createComputePool } from './compute-pool.ts'
import type { Randomness, StorageContext } from './context.ts'
import { type FileSource, type Stored, storeFile } from './importer.ts'
import {
  LAST_KEY,
  LOCAL_FALLBACK_AFTER_MS,
  runWindow,
  WINDOW_TARGET_MS,
  windowEveryLedgers,
} from './post-windows.ts'
import { sealSector } from './sealer.ts'
import type { Retrieved, StorageEvents, StorageMethods } from './storage-api.ts'
import type { ImportRecord, StorageDb } from './storage-db.ts'
import { type PostView, type StorageView, sectorView } from './storage-view.ts'

/** Sector size on this device: small, so a phone seals one in seconds (docs/storage-app.md). */
export const DEFAULT_SECTOR_SIZE = 4 << 20
/** Largest file given back in one retrieve call. */
export const MAX_RETRIEVE_BYTES = 512 << 20
const TICK_MS = 1_000
const BROADCAST_MS = 150

export interface StorageDeps {
  readonly db: () => Promise<StorageDb>
  readonly hash: () => Promise<Sha256>
  /** Resolves when a named Web Lock is free (a proof worker's tab is gone). */
  readonly watchLock: (name: string) => Promise<void>
  readonly random: (n: number) => Uint8Array
  readonly params?: SealParams
}

/**
 * What the market's provider and client build on (worker/market): the proof workers, this
 * device's sector numbers and its block store. Deal sectors are the market's own records, so the
 * local windows of this service never prove them.
 */
export interface DealStorage {
  readonly hash: () => Sha256
  readonly allocSector: () => Promise<number>
  readonly run: ComputePool['run']
  readonly putBlock: StorageDb['putBlock']
  readonly getBlock: StorageDb['getBlock']
  readonly deleteBlocksOf: StorageDb['deleteBlocksOf']
  readonly getMeta: StorageDb['getMeta']
  readonly putMeta: StorageDb['putMeta']
}

export interface StorageService extends CoreService {
  readonly name: 'storage'
  view(): Promise<StorageView>
  setOffer(offerBytes: number): Promise<StorageView>
  store(file: FileSource): Promise<Stored>
  retrieve(cid: string): Promise<Retrieved>
  /** Opens a window now (tests; the ledger and the fallback timer call it in the app). */
  window(r: Randomness): Promise<PostView | null>
  attachCompute(port: ComputePort): void
  /** Resolves when every sector has left `packing` and `sealing`. */
  settled(): Promise<void>
  /** Deletes the blocks `owner` added (the retrieval cache evicting a fetched file); bytes freed. */
  dropBlocks(owner: string): Promise<number>
  readonly deals: DealStorage
}

export const createStorageService = (
  c: Pick<
    ServiceComponents<OnLedger, StorageMethods, StorageEvents>,
    'rpc' | 'services' | 'now' | 'identity'
  >,
  deps: StorageDeps,
): StorageService => {
  const params = deps.params ?? sealParams({ sectorSize: DEFAULT_SECTOR_SIZE })
  const pool = createComputePool({ watchLock: deps.watchLock, log: (l) => console.info(l) })
  const sectors: StorageContext['sectors'] = new Map()
  let db: StorageDb
  let ctx: StorageContext
  let offerBytes = 0
  let blockBytes = 0
  let files: ImportRecord[] = []
  let lastPost: PostView | null = null
  let lastLedgerAt = c.now()
  let lastWindowAt = 0
  let windowBusy = false
  let tick: ReturnType<typeof setInterval> | undefined
  let broadcastTimer: ReturnType<typeof setTimeout> | undefined
  let imports: Promise<unknown> = Promise.resolve()
  const sealing = new Set<Promise<void>>()

  const link = ledgerLink(c.services, (e) => onClosed(e))
  const ledger = link.get
  const randomness = (): Randomness => {
    const l = ledger()
    if (l) {
      const { hash, header } = l.current()
      return { bytes: CID.parse(hash).multihash.digest, source: 'ledger', seq: header.seq }
    }
    return { bytes: deps.random(32), source: 'local-timer' }
  }

  const view = async (): Promise<StorageView> => {
    const l = ledger()
    return {
      offerBytes,
      usedBytes: usedBytes(blockBytes, sectors.values()),
      sectorSize: params.sectorSize,
      windowEveryLedgers: l ? windowEveryLedgers(l.genesis().closeIntervalMs) : 0,
      sectors: [...sectors.values()]
        .sort((a, b) => a.sector - b.sector)
        .map((s) => sectorView(s, params.layers)),
      files: files.map((f) => ({
        cid: f.cid ?? '',
        name: f.name,
        size: f.size,
        sectors: f.sectors,
        atMs: f.atMs,
      })),
      post: lastPost,
      compute: pool.stats(),
    }
  }
  const changed = () => {
    broadcastTimer ??= setTimeout(() => {
      broadcastTimer = undefined
      void view().then((v) => c.rpc.broadcast('storage', v))
    }, BROADCAST_MS)
  }

  const seal = (n: number) => {
    const p = sealSector(ctx, n).finally(() => {
      sealing.delete(p)
      changed()
    })
    sealing.add(p)
  }

  const window = async (r: Randomness): Promise<PostView | null> => {
    if (windowBusy) return null
    windowBusy = true
    try {
      const v = await runWindow(ctx, r)
      if (v) lastPost = v
      return v
    } finally {
      windowBusy = false
      lastWindowAt = c.now()
    }
  }
  const logged = (p: Promise<unknown>) =>
    void p.catch((e) => console.warn('storage window:', toWattError(e).code))

  function onClosed(e: ClosedLedgerEvent) {
    lastLedgerAt = c.now()
    const every = windowEveryLedgers(ledger()?.genesis().closeIntervalMs ?? WINDOW_TARGET_MS)
    if (e.seq % every === 0)
      logged(window({ bytes: CID.parse(e.hash).multihash.digest, source: 'ledger', seq: e.seq }))
  }
  const onTick = () => {
    ledger()
    const now = c.now()
    if (now - lastLedgerAt > LOCAL_FALLBACK_AFTER_MS && now - lastWindowAt >= WINDOW_TARGET_MS)
      logged(window({ bytes: deps.random(32), source: 'local-timer' }))
  }

  /** Drops what an interrupted import left; resumes sealing. */
  const recover = async () => {
    for (const imp of await db.imports()) {
      if (imp.state === 'done') continue
      for (const n of imp.sectors) {
        sectors.delete(n)
        await db.deleteSector(n)
        void pool.run({ type: 'delete', sector: n }).catch(() => {})
      }
      await db.deleteBlocksOf(imp.id)
      await db.deleteImport(imp.id)
    }
    for (const s of sectors.values()) if (s.state === 'sealing') seal(s.sector)
  }

  /** Sector numbers in turn (the market's provider allocates them too, concurrently). */
  let lastAlloc: Promise<number> = Promise.resolve(0)
  const allocSector = (): Promise<number> => {
    const next = lastAlloc
      .catch(() => 0)
      .then(async () => {
        const n = (await db.getMeta<number>('nextSector')) ?? 0
        await db.putMeta('nextSector', n + 1)
        return n
      })
    lastAlloc = next
    return next
  }

  const service: StorageService = {
    name: 'storage',
    async start() {
      const hash = await deps.hash()
      db = await deps.db()
      for (const s of await db.sectors()) sectors.set(s.sector, s)
      offerBytes = (await db.getMeta<number>('offer')) ?? 0
      lastPost = (await db.getMeta<PostView>(LAST_KEY)) ?? null
      ctx = {
        db,
        pool,
        hash,
        params,
        provider: c.identity.signer.publicKey,
        now: c.now,
        sectors,
        randomness,
        async update(s, persist = true) {
          sectors.set(s.sector, s)
          if (persist) await db.putSector(s)
          changed()
        },
        changed,
      }
      await recover()
      blockBytes = await db.blockBytes()
      files = (await db.imports()).filter((i) => i.state === 'done')
      c.rpc.onAttach((a) => {
        if (a.role === 'compute') service.attachCompute(a.port)
      })
      c.rpc.register('storage.view', () => service.view())
      c.rpc.register('storage.setOffer', (p) => service.setOffer(p.offerBytes))
      c.rpc.register('storage.store', (p) => service.store(p.file))
      c.rpc.register('storage.retrieve', (p) => service.retrieve(p.cid))
      tick = setInterval(onTick, TICK_MS)
      changed()
    },
    stop() {
      clearInterval(tick)
      clearTimeout(broadcastTimer)
      link.stop()
    },
    view,
    async setOffer(bytes) {
      if (!Number.isSafeInteger(bytes) || bytes < 0) fail('bad_offer', { offerBytes: bytes })
      offerBytes = bytes
      await db.putMeta('offer', bytes)
      changed()
      return view()
    },
    store(file) {
      const run = imports.then(async () => {
        const importId = `imp-${toHex(deps.random(8))}`
        try {
          return await storeFile(ctx, file, { offerBytes, importId, allocSector, seal })
        } finally {
          blockBytes = await db.blockBytes()
          files = (await db.imports()).filter((i) => i.state === 'done')
          changed()
        }
      })
      imports = run.catch(() => {})
      return run
    },
    async retrieve(cidText) {
      let cid: CID
      try {
        cid = CID.parse(cidText.trim())
      } catch {
        return fail('bad_cid', { cid: cidText })
      }
      const parts: Uint8Array[] = []
      let size = 0
      for await (const part of exportFile(cid, getBlock, { hash: ctx.hash })) {
        size += part.length
        if (size > MAX_RETRIEVE_BYTES) fail('too_large', { limit: MAX_RETRIEVE_BYTES })
        parts.push(part)
      }
      return { cid: cid.toString(), size, blob: new Blob(parts as BlobPart[]) }
    },
    window,
    async dropBlocks(owner) {
      const freed = await db.deleteBlocksOf(owner)
      blockBytes = await db.blockBytes()
      changed()
      return freed
    },
    attachCompute: (port) => pool.attach(port),
    settled: async () => {
      await imports
      while (sealing.size > 0) await Promise.all([...sealing])
    },
    deals: {
      hash: () => ctx.hash,
      allocSector,
      run: (call, onProgress) => pool.run(call, onProgress),
      putBlock: (cid, bytes, owner) => db.putBlock(cid, bytes, owner),
      getBlock: (cid) => db.getBlock(cid),
      deleteBlocksOf: (owner) => db.deleteBlocksOf(owner),
      getMeta: (key) => db.getMeta(key),
      putMeta: (key, value) => db.putMeta(key, value),
    },
  }

  /** A block from the unsealed copy, else unsealed from the sector holding it. */
  const getBlock = async (cid: CID): Promise<Uint8Array | undefined> => {
    const key = cid.toString()
    const local = await db.getBlock(key)
    if (local) return local
    for (const s of sectors.values()) {
      const piece = s.commR === undefined ? undefined : s.pieces.find((p) => p.cid === key)
      if (!piece) continue
      const r = await pool.run({ type: 'unseal', sector: s.sector, offset: piece.offset, length: piece.size })
      if (r.type === 'unsealed') return r.bytes
    }
    return undefined
  }

  return service
}
