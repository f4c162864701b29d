// Where the storage service keeps its state: sector metadata, imports (stored files), the
// unsealed blocks of stored files (the fast-retrieval copy) and a few settings. IndexedDB
// (database `watt-storage`) in the browser, a Map-backed twin for Node tests. Both keep the
// total of block bytes in step with every put and delete, so the budget never scans blocks.
import { type IDBPDatabase, openDB } from 'idb'

export type SectorState = 'packing' | 'sealing' | 'sealed' | 'proving' | 'faulty'

/** One stored block inside a sector: a piece, zero-padded to `paddedSize` at `offset`. */
export interface PieceRecord {
  readonly cid: string
  readonly offset: number
  readonly size: number
  readonly paddedSize: number
  readonly commP: string
}

export interface SectorRecord {
  readonly sector: number
  /** The import whose blocks fill it (an interrupted import's sectors are dropped). */
  readonly importId: string
  readonly state: SectorState
  readonly sectorSize: number
  readonly pieces: readonly PieceRecord[]
  /** Hex ledger randomness drawn when sealing started; kept so a retry resumes the same replica. */
  readonly ticket?: string
  readonly layer: number
  readonly fraction: number
  readonly commD?: string
  readonly commR?: string
  readonly resumedFromLayer?: number
  readonly sealProof?: 'ok' | 'failed' | 'lost'
  readonly error?: string
}

export interface ImportRecord {
  readonly id: string
  readonly state: 'importing' | 'done'
  readonly name: string
  readonly size: number
  readonly cid?: string
  readonly sectors: readonly number[]
  readonly atMs: number
}

export interface StorageDb {
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
  sectors(): Promise<SectorRecord[]>
  putSector(s: SectorRecord): Promise<void>
  deleteSector(sector: number): Promise<void>
  imports(): Promise<ImportRecord[]>
  putImport(i: ImportRecord): Promise<void>
  deleteImport(id: string): Promise<void>
  getBlock(cid: string): Promise<Uint8Array | undefined>
  /** Stores a block unless present; returns the bytes added (0 when it was there). */
  putBlock(cid: string, bytes: Uint8Array, owner: string): Promise<number>
  /** Removes the blocks an import added; returns the bytes freed. */
  deleteBlocksOf(owner: string): Promise<number>
  blockBytes(): Promise<number>
}

interface BlockRow {
  readonly bytes: Uint8Array
  readonly owner: string
}

const BLOCK_BYTES = 'blockBytes'

export const openStorageDb = async (name = 'watt-storage'): Promise<StorageDb> => {
  const db: IDBPDatabase = await openDB(name, 1, {
    upgrade(d) {
      d.createObjectStore('meta')
      d.createObjectStore('sectors', { keyPath: 'sector' })
      d.createObjectStore('imports', { keyPath: 'id' })
      d.createObjectStore('blocks').createIndex('owner', 'owner')
    },
  })
  const addBytes = async (tx: { objectStore(n: 'meta'): IdbStore }, delta: number) => {
    const meta = tx.objectStore('meta')
    await meta.put(((await meta.get(BLOCK_BYTES)) ?? 0) + delta, BLOCK_BYTES)
  }
  return {
    getMeta: (key) => db.get('meta', key),
    putMeta: async (key, value) => void (await db.put('meta', value, key)),
    sectors: () => db.getAll('sectors'),
    putSector: async (s) => void (await db.put('sectors', s)),
    deleteSector: (sector) => db.delete('sectors', sector),
    imports: () => db.getAll('imports'),
    putImport: async (i) => void (await db.put('imports', i)),
    deleteImport: (id) => db.delete('imports', id),
    getBlock: async (cid) => ((await db.get('blocks', cid)) as BlockRow | undefined)?.bytes,
    putBlock: async (cid, bytes, owner) => {
      const tx = db.transaction(['blocks', 'meta'], 'readwrite')
      const blocks = tx.objectStore('blocks')
      if ((await blocks.getKey(cid)) !== undefined) {
        await tx.done
        return 0
      }
      await blocks.put({ bytes, owner } satisfies BlockRow, cid)
      await addBytes(tx as never, bytes.length)
      await tx.done
      return bytes.length
    },
    deleteBlocksOf: async (owner) => {
      const tx = db.transaction(['blocks', 'meta'], 'readwrite')
      let freed = 0
      let cursor = await tx.objectStore('blocks').index('owner').openCursor(owner)
      while (cursor) {
        freed += (cursor.value as BlockRow).bytes.length
        await cursor.delete()
        cursor = await cursor.continue()
      }
      await addBytes(tx as never, -freed)
      await tx.done
      return freed
    },
    blockBytes: async () => ((await db.get('meta', BLOCK_BYTES)) as number | undefined) ?? 0,
  }
}

interface IdbStore {
  get(key: string): Promise<number | undefined>
  put(value: number, key: string): Promise<unknown>
}

/** The same contract over Maps (Node tests). */
export const memoryStorageDb = (): StorageDb => {
  const meta = new Map<string, unknown>()
  const sectors = new Map<number, SectorRecord>()
  const imports = new Map<string, ImportRecord>()
  const blocks = new Map<string, BlockRow>()
  let bytes = 0
  return {
    getMeta: async <T>(key: string) => meta.get(key) as T | undefined,
    putMeta: async (key, value) => void meta.set(key, structuredClone(value)),
    sectors: async () => [...sectors.values()],
    putSector: async (s) => void sectors.set(s.sector, structuredClone(s)),
    deleteSector: async (n) => void sectors.delete(n),
    imports: async () => [...imports.values()],
    putImport: async (i) => void imports.set(i.id, structuredClone(i)),
    deleteImport: async (id) => void imports.delete(id),
    getBlock: async (cid) => blocks.get(cid)?.bytes,
    putBlock: async (cid, b, owner) => {
      if (blocks.has(cid)) return 0
      blocks.set(cid, { bytes: b.slice(), owner })
      bytes += b.length
      return b.length
    },
    deleteBlocksOf: async (owner) => {
      let freed = 0
      for (const [cid, row] of blocks)
        if (row.owner === owner) {
          freed += row.bytes.length
          blocks.delete(cid)
        }
      bytes -= freed
      return freed
    },
    blockBytes: async () => bytes,
  }
}
