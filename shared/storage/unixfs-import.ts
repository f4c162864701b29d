// Streaming UnixFS file import with the `unixfs-v1-2025` profile: CIDv1, sha2-256, 1 MiB
// fixed chunks as raw leaves, balanced dag-pb tree of at most 1024 links per node. Produces
// the same CIDs as `ipfs add` / ipfs-unixfs-importer with that profile. Memory stays bounded:
// one chunk buffer plus at most 1024 pending links per tree level.
import { encode as encodePb, prepare } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { type Sha256, noble256 } from './hash.ts'

export const CHUNK_SIZE = 1 << 20
export const MAX_LINKS = 1024
export const RAW_CODEC = 0x55
export const DAG_PB_CODEC = 0x70
export const SHA2_256_CODE = 0x12

export interface Block {
  readonly cid: CID
  readonly bytes: Uint8Array
}
/** Receives every block as it is produced (leaves first, root last). May be async (a store). */
export type BlockSink = (block: Block) => void | Promise<void>

export interface ImportResult {
  readonly cid: CID
  /** File size in bytes. */
  readonly size: bigint
  readonly blocks: number
}

/** A finished subtree: what its parent needs to link to it. */
interface Entry {
  readonly cid: CID
  readonly fileSize: bigint
  /** Cumulative encoded size of the subtree (dag-pb `Tsize`). */
  readonly tsize: number
}

export interface ImportOptions {
  readonly hash?: Sha256
  /** Profile defaults; smaller values exist only so tests can build deep trees cheaply. */
  readonly chunkSize?: number
  readonly maxLinks?: number
}

/** Imports a byte stream (chunks of any size) and returns its root CID. */
export const importFile = async (
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sink: BlockSink = () => {},
  options: ImportOptions = {},
): Promise<ImportResult> => {
  const hash = options.hash ?? noble256
  const chunkSize = options.chunkSize ?? CHUNK_SIZE
  const maxLinks = options.maxLinks ?? MAX_LINKS
  const levels: Entry[][] = [[]]
  let blocks = 0
  let size = 0n

  const emit = async (codec: number, bytes: Uint8Array): Promise<CID> => {
    const cid = CID.createV1(codec, Digest.create(SHA2_256_CODE, hash(bytes)))
    blocks++
    await sink({ cid, bytes })
    return cid
  }

  const parentOf = async (children: Entry[]): Promise<Entry> => {
    const file = new UnixFS({ type: 'file' })
    const links = []
    let tsize = 0
    for (const c of children) {
      if (c.fileSize === 0n) continue
      file.addBlockSize(c.fileSize)
      links.push({ Name: '', Tsize: c.tsize, Hash: c.cid })
      tsize += c.tsize
    }
    const bytes = encodePb(prepare({ Data: file.marshal(), Links: links }))
    const cid = await emit(DAG_PB_CODEC, bytes)
    return { cid, fileSize: file.fileSize(), tsize: tsize + bytes.length }
  }

  /** Adds an entry at `level`, folding full levels upward. */
  const push = async (level: number, entry: Entry): Promise<void> => {
    if (levels[level] === undefined) levels[level] = []
    const row = levels[level]
    row.push(entry)
    if (row.length === maxLinks) {
      levels[level] = []
      await push(level + 1, await parentOf(row))
    }
  }

  const addLeaf = async (chunk: Uint8Array): Promise<void> => {
    const cid = await emit(RAW_CODEC, chunk)
    size += BigInt(chunk.length)
    await push(0, { cid, fileSize: BigInt(chunk.length), tsize: chunk.length })
  }

  let buf = new Uint8Array(chunkSize)
  let fill = 0
  let leaves = 0
  for await (const piece of source) {
    let off = 0
    while (off < piece.length) {
      const n = Math.min(chunkSize - fill, piece.length - off)
      buf.set(piece.subarray(off, off + n), fill)
      fill += n
      off += n
      if (fill === chunkSize) {
        await addLeaf(buf)
        leaves++
        buf = new Uint8Array(chunkSize)
        fill = 0
      }
    }
  }
  if (fill > 0 || leaves === 0) {
    await addLeaf(buf.slice(0, fill))
    leaves++
  }

  // Close the tree bottom-up, as the reference balanced layout does: a level that never
  // overflowed and holds one entry is the root (a lone leaf is its own root).
  for (let level = 0; ; level++) {
    const row = levels[level] ?? []
    const hasHigher = levels.length > level + 1
    if (!hasHigher && row.length === 1) return { cid: row[0]!.cid, size, blocks }
    if (!hasHigher && row.length === 0) throw new Error('unixfs import: empty top level')
    if (row.length > 0) {
      levels[level] = []
      await push(level + 1, await parentOf(row))
    }
  }
}

/** Adapts a Uint8Array into a stream of pieces (for tests and small in-memory imports). */
export function* piecesOf(bytes: Uint8Array, pieceSize = CHUNK_SIZE): Generator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += pieceSize) yield bytes.subarray(off, off + pieceSize)
}
