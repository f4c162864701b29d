// The blocks `/watt/retrieve/1` serves (issue 15, item 2: a storage provider serves its deals): the
// block store first, then the deals this node provides. A provider keeps a deal's dag-pb nodes in
// the block store (deal-receive.ts) and its leaves only in the sector, whose unsealed data file the
// proof worker deletes once it is sealed; so a leaf is unsealed on demand from the replica at the
// file offset its parents give (the sector holds the file's bytes from offset 0). The index CID ->
// (sector, offset, length) is built by walking each sealed replica's nodes, so it needs no storage
// of its own and is rebuilt from the replica records after a reload; it follows the records before
// every lookup: a replica no longer `sealed` (ended, failed) is no longer served. Nothing read back
// is trusted: a leaf is served only if it hashes to its CID. Bounded: 2^18 blocks indexed, and 2
// unsealed windows of 4 MiB kept (a walk reads leaves in file order: one unseal serves many).
import { decode as decodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { childSpans } from '../../shared/storage/unixfs-walk.ts'
import { DAG_PB_CODEC, RAW_CODEC } from '../../shared/storage/unixfs-import.ts'
import { bytesEqual } from '../../shared/util/bytes.ts'
import type { ProviderReplica } from '../market/replica-store.ts'
import { replicaKey } from '../market/replica-store.ts'
import type { DealStorage } from '../storage/storage-service.ts'

/** Blocks (nodes and leaves) of all the replicas indexed together, at most. */
export const MAX_INDEXED_BLOCKS = 1 << 18
/** Bytes unsealed at once (at least the leaf asked), and windows kept. */
export const UNSEAL_WINDOW = 4 << 20
export const MAX_WINDOWS = 2

/** A leaf's place: the sector and the file offset of its bytes. */
export interface LeafPlace {
  readonly replica: string
  readonly sector: number
  readonly offset: number
  readonly length: number
}

interface Window {
  readonly sector: number
  readonly start: number
  readonly end: number
  readonly bytes: Promise<Uint8Array>
}

export interface BlockSourceDeps {
  readonly storage: Pick<DealStorage, 'getBlock' | 'run' | 'hash'>
  /** The replicas this node provides (the market's records). */
  readonly replicas: () => readonly ProviderReplica[]
}

const serving = (r: ProviderReplica) => r.phase === 'sealed'

/**
 * The leaves of a replica's file with their file offsets, walking its dag-pb nodes from the
 * block store (a node missing is `missing_node`); at most `room` blocks visited (`index_full`).
 */
export const leavesOf = async (
  rec: Pick<ProviderReplica, 'cid' | 'size' | 'sector'> & { key: string },
  getNode: (cid: string) => Promise<Uint8Array | undefined>,
  room: number,
): Promise<{ leaves: [string, LeafPlace][]; visited: number } | { code: string }> => {
  const leaves: [string, LeafPlace][] = []
  const stack: [cid: CID, start: number, size: number][] = [[CID.parse(rec.cid), 0, rec.size]]
  let visited = 0
  while (stack.length > 0) {
    if (++visited > room) return { code: 'index_full' }
    const [cid, start, size] = stack.pop()!
    const text = cid.toString()
    if (cid.code === RAW_CODEC) {
      leaves.push([text, { replica: rec.key, sector: rec.sector, offset: start, length: size }])
      continue
    }
    if (cid.code !== DAG_PB_CODEC) return { code: 'unsupported_codec' }
    const bytes = await getNode(text)
    if (!bytes) return { code: 'missing_node' }
    const node = decodePb(bytes)
    const fs = UnixFS.unmarshal(node.Data ?? new Uint8Array())
    const children = childSpans(start, fs.data?.length ?? 0, fs.blockSizes.map(Number))
    for (const c of children.reverse()) stack.push([node.Links[c.index]!.Hash, c.start, c.size])
  }
  return { leaves, visited }
}

export const createBlockSource = (d: BlockSourceDeps) => {
  const byCid = new Map<string, LeafPlace>()
  /** Replica keys indexed (with the blocks each took), or left out (a node missing, no room). */
  const indexed = new Map<string, number>()
  const skipped = new Set<string>()
  let windows: Window[] = []
  let syncing: Promise<void> = Promise.resolve()

  const clear = () => {
    byCid.clear()
    indexed.clear()
    skipped.clear()
    windows = []
  }

  const add = async (rec: ProviderReplica) => {
    const key = replicaKey(rec)
    const used = [...indexed.values()].reduce((a, b) => a + b, 0)
    const r = await leavesOf({ ...rec, key }, d.storage.getBlock, MAX_INDEXED_BLOCKS - used)
    if ('code' in r) {
      console.warn('retrieval: replica not served', key, r.code)
      skipped.add(key)
      return
    }
    indexed.set(key, r.visited)
    for (const [cid, place] of r.leaves) if (!byCid.has(cid)) byCid.set(cid, place)
  }

  /** Brings the index in step with the records: all again if one left, else the new ones. */
  const step = async () => {
    const live = d.replicas().filter(serving)
    const keys = new Set(live.map(replicaKey))
    if ([...indexed.keys(), ...skipped].some((k) => !keys.has(k))) clear()
    for (const rec of live) {
      const key = replicaKey(rec)
      if (!indexed.has(key) && !skipped.has(key)) await add(rec)
    }
  }
  const sync = () => {
    syncing = syncing.then(step, step)
    return syncing
  }

  /** Unseals from the leaf's offset up to UNSEAL_WINDOW (at least the leaf, at most the file). */
  const unsealWindow = (p: LeafPlace, size: number): Window => {
    const end = Math.max(p.offset + p.length, Math.min(size, p.offset + UNSEAL_WINDOW))
    const call = { type: 'unseal', sector: p.sector, offset: p.offset, length: end - p.offset } as const
    const bytes = d.storage.run(call).then((r) => {
      if (r.type !== 'unsealed') throw { code: 'bad_result', type: r.type }
      return r.bytes
    })
    const w = { sector: p.sector, start: p.offset, end, bytes }
    windows = [w, ...windows].slice(0, MAX_WINDOWS)
    bytes.catch(() => {
      windows = windows.filter((x) => x !== w)
    })
    return w
  }

  /** The leaf's bytes, from a kept window or a new unseal. */
  const read = async (p: LeafPlace, size: number): Promise<Uint8Array> => {
    const end = p.offset + p.length
    const w =
      windows.find((x) => x.sector === p.sector && x.start <= p.offset && end <= x.end) ??
      unsealWindow(p, size)
    return (await w.bytes).subarray(p.offset - w.start, end - w.start)
  }

  const fromSector = async (cid: string): Promise<Uint8Array | undefined> => {
    await sync()
    const place = byCid.get(cid)
    const rec = place && d.replicas().find((r) => replicaKey(r) === place.replica)
    if (!place || !rec || !serving(rec)) return undefined
    const bytes = await read(place, rec.size).catch(() => undefined)
    const want = CID.parse(cid).multihash.digest
    return bytes && bytesEqual(d.storage.hash()(bytes), want) ? bytes.slice() : undefined
  }

  return {
    /** A block by CID: the block store's, else a leaf of a deal this node provides. */
    getBlock: async (cid: string): Promise<Uint8Array | undefined> =>
      (await d.storage.getBlock(cid)) ?? (await fromSector(cid)),
    /** Blocks indexed now (tests and the screen). */
    size: () => byCid.size,
  }
}

export type BlockSource = ReturnType<typeof createBlockSource>
