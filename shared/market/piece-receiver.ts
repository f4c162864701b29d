// Checks a deal's data block by block as it arrives at the provider (issue 13, item 2). The client
// sends the file's UnixFS blocks in pre-order (a node, then its children left to right); each
// block must hash to the CID expected next and fit the sizes its parent declared, so every byte
// written to the sector is the deal's, at its place in the file. Nothing is taken on trust: the
// root CID and the file size come from the deal on the ledger. The state is small plain data
// (the CIDs still expected and the file offset), saved with the replica so that a transfer
// resumes after a dropped connection or a reload from the block it stopped at. Retrieval
// (worker/retrieval) checks what it fetches with the same receiver: for a root whose size nobody
// vouched for (UNKNOWN_SIZE: the root's own hash vouches for what it declares), and for a span of
// the file, where only the blocks meeting the span come (shared/storage/unixfs-walk.ts prunes).
import { decode as decodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { type ByteSpan, childSpans } from '../storage/unixfs-walk.ts'
import { bytesEqual } from '../util/bytes.ts'
import { err, ok, type Result, type WattError } from '../util/errors.ts'

const RAW_CODEC = 0x55
const DAG_PB_CODEC = 0x70
const SHA2_256_CODE = 0x12
/** Largest block taken: a 1 MiB chunk plus room for a node of 1024 links. */
export const MAX_DEAL_BLOCK_BYTES = (1 << 20) + (64 << 10)
/** CIDs waiting at most (a balanced tree of 1024-link nodes needs 1023 per level). */
export const MAX_PENDING_BLOCKS = 8192

/** A root size nobody vouched for: the root block's own (hashed) declaration is taken. */
export const UNKNOWN_SIZE = -1

/**
 * One expected block: its CID, the file bytes under it (from its parent's block sizes) and, when
 * the receiver takes a span, the file offset of its first byte (else the state's offset is).
 */
export type PendingBlock = readonly [cid: string, fileBytes: number, start?: number]

export interface PieceReceiverState {
  /** Blocks still to come, the next one last (a stack: children are pushed in reverse). */
  readonly pending: readonly PendingBlock[]
  /** File bytes written so far: where the next leaf's data goes. */
  readonly offset: number
  readonly blocks: number
  /** Only the blocks meeting this span of the file come (absent: all of them). */
  readonly span?: ByteSpan
}

export type PieceReceiveCode =
  | 'complete'
  | 'hash_mismatch'
  | 'bad_block'
  | 'too_large'
  | 'unsupported_codec'
  | 'not_a_file'
  | 'too_many_links'

export interface PieceReceiveError extends WattError<PieceReceiveCode> {
  readonly cid?: string
  readonly block?: number
}

export interface Received {
  readonly state: PieceReceiverState
  /** File bytes this block carries, to write at the previous state's offset (may be empty). */
  readonly data: Uint8Array
}

export const startReceiver = (root: string, size: number, span?: ByteSpan): PieceReceiverState =>
  span
    ? { pending: [[root, size, 0]], offset: 0, blocks: 0, span }
    : { pending: [[root, size]], offset: 0, blocks: 0 }

export const receiverDone = (s: PieceReceiverState): boolean => s.pending.length === 0

type Sha256 = (bytes: Uint8Array) => Uint8Array

const parseCid = (s: string): CID | undefined => {
  try {
    return CID.parse(s)
  } catch {
    return undefined
  }
}

/** The pending entries of every block still to come, in pre-order, each with its first file byte. */
export const pendingSpans = (s: PieceReceiverState): { cid: string; size: number; start: number }[] => {
  let at = s.offset
  return [...s.pending].reverse().map(([cid, size, start]) => {
    const entry = { cid, size, start: start ?? at }
    at = entry.start + size
    return entry
  })
}

/** The dag-pb node's file data and children (those meeting `span`), checked against its parent's promise. */
const fileNode = (
  bytes: Uint8Array,
  fileBytes: number,
  start: number,
  span: ByteSpan | undefined,
): { bad: PieceReceiveCode } | { data: Uint8Array; links: PendingBlock[] } => {
  try {
    const node = decodePb(bytes)
    const fs = UnixFS.unmarshal(node.Data ?? new Uint8Array())
    if (fs.type !== 'file' && fs.type !== 'raw') return { bad: 'not_a_file' }
    const data = fs.data ?? new Uint8Array()
    const sizes = fs.blockSizes.map(Number)
    const size = Number(fs.fileSize())
    const sum = sizes.reduce((a, b) => a + b, data.length)
    if (
      node.Links.length !== sizes.length ||
      (fileBytes !== UNKNOWN_SIZE && size !== fileBytes) ||
      sum !== size
    )
      return { bad: 'bad_block' }
    const links = childSpans(start, data.length, sizes, span).map(
      (c): PendingBlock =>
        span
          ? [node.Links[c.index]!.Hash.toString(), c.size, c.start]
          : [node.Links[c.index]!.Hash.toString(), c.size],
    )
    return { data, links }
  } catch {
    return { bad: 'bad_block' }
  }
}

/** Takes the next block; refuses it (the state unchanged) unless it is exactly what comes next. */
export const receiveBlock = (
  s: PieceReceiverState,
  bytes: Uint8Array,
  hash: Sha256,
): Result<Received, PieceReceiveError> => {
  const next = s.pending.at(-1)
  if (!next) return err({ code: 'complete' as const })
  const [cidText, fileBytes, at] = next
  const start = at ?? s.offset
  const fault = (code: PieceReceiveCode) => err({ code, cid: cidText, block: s.blocks })
  const cid = parseCid(cidText)
  if (!cid) return fault('bad_block')
  if (cid.multihash.code !== SHA2_256_CODE) return fault('unsupported_codec')
  if (bytes.length > MAX_DEAL_BLOCK_BYTES) return fault('too_large')
  if (!bytesEqual(hash(bytes), cid.multihash.digest)) return fault('hash_mismatch')
  const rest = s.pending.slice(0, -1)
  const step = (data: Uint8Array, children: readonly PendingBlock[]) =>
    ok({
      state: { ...s, pending: [...rest, ...children], offset: start + data.length, blocks: s.blocks + 1 },
      data,
    })
  if (cid.code === RAW_CODEC)
    return fileBytes === UNKNOWN_SIZE || bytes.length === fileBytes ? step(bytes, []) : fault('bad_block')
  if (cid.code !== DAG_PB_CODEC) return fault('unsupported_codec')
  const node = fileNode(bytes, fileBytes, start, s.span)
  if ('bad' in node) return fault(node.bad)
  if (rest.length + node.links.length > MAX_PENDING_BLOCKS) return fault('too_many_links')
  return step(node.data, [...node.links].reverse())
}
