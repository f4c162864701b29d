// Sector files behind one small interface: OPFS sync access handles in the proof worker (the
// only place browsers offer them), a Map in Node tests. Handles are opened async, then read and
// written synchronously, which is what Merkle openings and sealing need.
import { fail } from '../../shared/util/errors.ts'
import { OPFS_ROOT, sectorDir } from './protocol.ts'

/** The subset of FileSystemSyncAccessHandle the prover uses. */
export interface SyncFile {
  read(buf: Uint8Array, opts: { at: number }): number
  write(buf: Uint8Array, opts: { at: number }): number
  getSize(): number
  truncate(size: number): void
  flush(): void
  close(): void
}

export interface SectorFiles {
  /** Opens a file; null when it does not exist and `create` is false. Close it after use. */
  open(sector: number, name: string, create: boolean): Promise<SyncFile | null>
  remove(sector: number, name: string): Promise<void>
  removeSector(sector: number): Promise<void>
}

/** Reads `length` bytes at `at`; throws `short_read` if the file is shorter. */
export const readExact = (f: SyncFile, at: number, length: number): Uint8Array => {
  const buf = new Uint8Array(length)
  const n = f.read(buf, { at })
  if (n !== length) fail('short_read', { at, length, got: n })
  return buf
}

interface OpfsDir {
  getDirectoryHandle(name: string, o?: { create?: boolean }): Promise<OpfsDir>
  getFileHandle(
    name: string,
    o?: { create?: boolean },
  ): Promise<{ createSyncAccessHandle(): Promise<SyncFile> }>
  removeEntry(name: string, o?: { recursive?: boolean }): Promise<void>
}

const isNotFound = (e: unknown): boolean => (e as { name?: string }).name === 'NotFoundError'

/** OPFS-backed files (dedicated workers only). */
export const opfsFiles = (root: Promise<OpfsDir>): SectorFiles => {
  const dir = async (sector: number, create: boolean): Promise<OpfsDir | null> => {
    try {
      const top = await (await root).getDirectoryHandle(OPFS_ROOT, { create: true })
      return await top.getDirectoryHandle(sectorDir(sector), { create })
    } catch (e) {
      if (isNotFound(e)) return null
      throw e
    }
  }
  return {
    open: async (sector, name, create) => {
      const d = await dir(sector, create)
      if (d === null) return null
      try {
        return await (await d.getFileHandle(name, { create })).createSyncAccessHandle()
      } catch (e) {
        if (isNotFound(e)) return null
        throw e
      }
    },
    remove: async (sector, name) => {
      const d = await dir(sector, false)
      await d?.removeEntry(name).catch((e: unknown) => {
        if (!isNotFound(e)) throw e
      })
    },
    removeSector: async (sector) => {
      const top = await (await root).getDirectoryHandle(OPFS_ROOT, { create: true })
      await top.removeEntry(sectorDir(sector), { recursive: true }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e
      })
    },
  }
}

/** In-memory files with the same semantics (Node tests, benchmarks). */
export const memoryFiles = (): SectorFiles & { readonly store: Map<string, Uint8Array> } => {
  const store = new Map<string, Uint8Array>()
  const key = (sector: number, name: string) => `${sectorDir(sector)}/${name}`
  return {
    store,
    open: async (sector, name, create) => {
      const k = key(sector, name)
      if (!store.has(k)) {
        if (!create) return null
        store.set(k, new Uint8Array(0))
      }
      const cur = () => store.get(k) ?? new Uint8Array(0)
      return {
        read: (buf, { at }) => {
          const src = cur().subarray(at, at + buf.length)
          buf.set(src)
          return src.length
        },
        write: (buf, { at }) => {
          let b = cur()
          if (at + buf.length > b.length) {
            const grown = new Uint8Array(at + buf.length)
            grown.set(b)
            b = grown
          }
          b.set(buf, at)
          store.set(k, b)
          return buf.length
        },
        getSize: () => cur().length,
        truncate: (size) => {
          const b = new Uint8Array(size)
          b.set(cur().subarray(0, size))
          store.set(k, b)
        },
        flush: () => {},
        close: () => {},
      }
    },
    remove: async (sector, name) => void store.delete(key(sector, name)),
    removeSector: async (sector) => {
      for (const k of [...store.keys()]) if (k.startsWith(`${sectorDir(sector)}/`)) store.delete(k)
    },
  }
}
