// Checks a deal's data block by block as it arrives at the provider (issue 13, item 2). The client
// sends the file's UnixFS blocks in pre-order (a node, then its children left to right); each
// block must hash to the CID expected next and fit the sizes its parent declared, so every byte
// written to the sector is the deal's, at its place in the file. Nothing is taken on trust: the
// root CID and the file size come from the deal on the ledger. The state is small plain data
// (the CIDs still expected and the file offset), saved with the replica so that a transfer
// resumes after a dropped connection or a reload from the block it stopped at.
import { decode as decodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { bytesEqual } from '../util/bytes.ts'
import { err, ok, type Result, type WattError } from '../util/errors.ts'

const RAW_CODEC = 0x55
const DAG_PB_CODEC = 0x70
const SHA2_256_CODE = 0x12
/** Largest block taken: a 1 MiB chunk plus room for a node of 1024 links. */
export const MAX_DEAL_BLOCK_BYTES = (1 << 20) + (64 << 10)
/** CIDs waiting at most (a balanced tree of 1024-link nodes needs 1023 per level). */
export const MAX_PENDING_BLOCKS = 8192

/** One expected block: its CID and the file bytes under it (from its parent's block sizes). */
export type PendingBlock = readonly [cid: string, fileBytes: number]

export interface PieceReceiverState {
  /** Blocks still to come, the next one last (a stack: children are pushed in reverse). */
  readonly pending: readonly PendingBlock[]
  /** File bytes written so far: where the next leaf's data goes. */
  readonly offset: number
  readonly blocks: number
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

export const startReceiver = (root: string, size: number): PieceReceiverState => ({
  pending: [[root, size]],
  offset: 0,
  blocks: 0,
})

export const receiverDone = (s: PieceReceiverState): boolean => s.pending.length === 0

type Sha256 = (bytes: Uint8Array) => Uint8Array

const parseCid = (s: string): CID | undefined => {
  try {
    return CID.parse(s)
  } catch {
    return undefined
  }
}

/** The dag-pb node's file data and children, checked against the bytes its parent promised. */
const fileNode = (
  bytes: Uint8Array,
  fileBytes: number,
): { bad: PieceReceiveCode } | { data: Uint8Array; links: PendingBlock[] } => {
  try {
    const node = decodePb(bytes)
    const fs = UnixFS.unmarshal(node.Data ?? new Uint8Array())
    if (fs.type !== 'file' && fs.type !== 'raw') return { bad: 'not_a_file' }
    const data = fs.data ?? new Uint8Array()
    const sizes = fs.blockSizes.map(Number)
    const sum = sizes.reduce((a, b) => a + b, data.length)
    if (node.Links.length !== sizes.length || Number(fs.fileSize()) !== fileBytes || sum !== fileBytes)
      return { bad: 'bad_block' }
    const links = node.Links.map((l, i): PendingBlock => [l.Hash.toString(), sizes[i]!])
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
  const [cidText, fileBytes] = next
  const fault = (code: PieceReceiveCode) => err({ code, cid: cidText, block: s.blocks })
  const cid = parseCid(cidText)
  if (!cid) return fault('bad_block')
  if (cid.multihash.code !== SHA2_256_CODE) return fault('unsupported_codec')
  if (bytes.length > MAX_DEAL_BLOCK_BYTES) return fault('too_large')
  if (!bytesEqual(hash(bytes), cid.multihash.digest)) return fault('hash_mismatch')
  const rest = s.pending.slice(0, -1)
  const step = (data: Uint8Array, children: readonly PendingBlock[]) =>
    ok({
      state: { pending: [...rest, ...children], offset: s.offset + data.length, blocks: s.blocks + 1 },
      data,
    })
  if (cid.code === RAW_CODEC) return bytes.length === fileBytes ? step(bytes, []) : fault('bad_block')
  if (cid.code !== DAG_PB_CODEC) return fault('unsupported_codec')
  const node = fileNode(bytes, fileBytes)
  if ('bad' in node) return fault(node.bad)
  if (rest.length + node.links.length > MAX_PENDING_BLOCKS) return fault('too_many_links')
  return step(node.data, [...node.links].reverse())
}
