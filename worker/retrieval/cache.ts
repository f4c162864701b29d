// The cache of files this node fetched (issue 15, item 4): each `retrieval.fetch` writes its blocks
// under the owner `fetch:<cid>`, and this index keeps one entry per fetched CID with the bytes that
// fetch added, whether the file is whole, and when it was last fetched or served. Eviction drops
// whole entries, least recently used first, until the total is within the budget and the entry and
// block counts within their bounds. Only blocks a fetch added are deleted (the block store's owner),
// and an entry whose CID became the user's own file or one of this node's deals is adopted (left
// out of the cache, its blocks kept), never deleted. The blocks of each entry are known (recorded as
// they arrive, and walked again from the dag-pb nodes at load), so the serving policy can tell a
// cached block from the user's own. Persisted in the storage service's meta store.
import { decode as decodePb } from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'

/** Files kept at most (as many as one announcer may have announced, find-announcements.ts). */
export const MAX_CACHE_ENTRIES = 256
/** Blocks of all entries together: bounds the index in memory. */
export const MAX_CACHE_BLOCKS = 1 << 18

export const cacheOwner = (cid: string): string => `fetch:${cid}`

export interface CacheEntry {
  readonly cid: string
  /** The bytes its fetches added to the block store (what evicting it frees). */
  readonly bytes: number
  /** The whole file is here (a range fetch leaves it partial). */
  readonly complete: boolean
  /** When it was last fetched or served (ms). */
  readonly usedAt: number
}

export interface CacheStore {
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
  getBlock(cid: string): Promise<Uint8Array | undefined>
  /** Deletes the blocks `owner` added; returns the bytes freed. */
  dropBlocks(owner: string): Promise<number>
}

const KEY = 'retrieval.cache'
const DAG_PB = 0x70

/** The CIDs of `root`'s DAG present here (dag-pb nodes read, leaves taken from their links). */
const blocksOf = async (root: string, getBlock: CacheStore['getBlock'], max: number): Promise<string[]> => {
  const out: string[] = []
  const stack = [root]
  while (stack.length > 0 && out.length < max) {
    const cid = stack.pop()!
    const c = CID.parse(cid)
    const bytes = c.code === DAG_PB ? await getBlock(cid) : undefined
    out.push(cid)
    if (bytes) for (const l of decodePb(bytes).Links.reverse()) stack.push(l.Hash.toString())
  }
  return out
}

export const createCache = (store: CacheStore, protect: (cid: string) => Promise<boolean>) => {
  const entries = new Map<string, CacheEntry>()
  /** Block CID -> the entries holding it. */
  const refs = new Map<string, Set<string>>()

  /** Entry -> its blocks. */
  const own = new Map<string, Set<string>>()

  const link = (entry: string, block: string) => {
    refs.set(block, (refs.get(block) ?? new Set()).add(entry))
    own.set(entry, (own.get(entry) ?? new Set()).add(block))
  }
  const unlink = (entry: string) => {
    for (const block of own.get(entry) ?? []) {
      const set = refs.get(block)
      if (set?.delete(entry) && set.size === 0) refs.delete(block)
    }
    own.delete(entry)
  }
  const save = () => store.putMeta(KEY, [...entries.values()])
  const used = () => [...entries.values()].reduce((n, e) => n + e.bytes, 0)

  const relink = async (cid: string) => {
    for (const b of await blocksOf(cid, store.getBlock, MAX_CACHE_BLOCKS)) link(cid, b)
  }

  /** Least recently used first, then by CID. */
  const lru = () => [...entries.values()].sort((a, b) => a.usedAt - b.usedAt || (a.cid < b.cid ? -1 : 1))

  const over = (budget: number) =>
    used() > budget || entries.size > MAX_CACHE_ENTRIES || refs.size > MAX_CACHE_BLOCKS

  /**
   * Drops `cid`: adopted when protected, else its blocks deleted; the entries sharing a block with
   * it may have lost that block with it, so they go too.
   */
  const drop = async (cid: string, gone: string[]): Promise<void> => {
    const blocks = [...(own.get(cid) ?? [])]
    entries.delete(cid)
    unlink(cid)
    if (await protect(cid)) return
    await store.dropBlocks(cacheOwner(cid))
    gone.push(cid)
    const sharing = new Set(blocks.flatMap((b) => [...(refs.get(b) ?? [])]))
    for (const other of sharing) if (entries.has(other)) await drop(other, gone)
  }

  /** Evicts (or adopts) entries until within `budget`; returns the CIDs evicted. */
  const evict = async (budget: number): Promise<string[]> => {
    const gone: string[] = []
    for (const e of lru()) if (over(budget) && entries.has(e.cid)) await drop(e.cid, gone)
    await save()
    return gone
  }

  return {
    async load(): Promise<void> {
      for (const e of (await store.getMeta<CacheEntry[]>(KEY)) ?? []) {
        entries.set(e.cid, e)
        await relink(e.cid)
      }
    },
    /** A fetch of `root` stored `block`, adding `added` bytes (0: it was already here). */
    added(root: string, block: string, added: number, now: number): void {
      const e = entries.get(root)
      if (!e && added === 0) return
      entries.set(root, {
        cid: root,
        bytes: (e?.bytes ?? 0) + added,
        complete: e?.complete ?? false,
        usedAt: now,
      })
      link(root, block)
    },
    /** A fetch of `root` ended (`complete`: the whole file is here); then evicts to `budget`. */
    async finished(root: string, complete: boolean, now: number, budget: number): Promise<string[]> {
      const e = entries.get(root)
      if (e) {
        entries.set(root, { ...e, complete: e.complete || complete, usedAt: now })
        await relink(root)
      }
      return evict(budget)
    },
    /** `block` was asked for: the entries holding it move to the back of the eviction order. */
    touch(block: string, now: number): void {
      for (const cid of refs.get(block) ?? []) {
        const e = entries.get(cid)
        if (e) entries.set(cid, { ...e, usedAt: now })
      }
    },
    evict,
    /** Whether `block` is part of a cached file: none, only partial ones, or a whole one. */
    holds(block: string): 'none' | 'partial' | 'complete' {
      const set = refs.get(block)
      if (!set) return 'none'
      return [...set].some((c) => entries.get(c)?.complete) ? 'complete' : 'partial'
    },
    entries: (): CacheEntry[] => lru(),
    complete: (): string[] => lru().flatMap((e) => (e.complete ? [e.cid] : [])),
    usedBytes: used,
  }
}

export type Cache = ReturnType<typeof createCache>
