// `/watt/deal/1`: how a client sends a replica's blocks to its provider (issue 13, item 2). Each
// request carries the blocks from index `from` in pre-order (none: "where are you?"); the answer
// says which block the provider expects next and how many file bytes it holds, or why it refuses.
// A client that is behind or ahead (a drop, a reload on either side) resumes from `next`.
// DAG-CBOR, one message a request and one an answer, each guarded before use.
import { encode } from '@ipld/dag-cbor'
import { decodeGuarded, isIndex, isObj } from '../../shared/codec/guarded.ts'
import type { PeerStreams } from '../core/core-streams.ts'

export const DEAL_PROTOCOL = '/watt/deal/1'
/** Blocks of one request: at most about 1 MiB of them (one chunk), never more than this many. */
export const MAX_BLOCKS_PER_REQUEST = 64
export const MAX_REQUEST_BYTES = (1 << 20) + (96 << 10)

export interface DealBlocks {
  readonly t: 'blocks'
  readonly deal: number
  readonly replica: number
  readonly from: number
  readonly blocks: readonly Uint8Array[]
}

export type DealAnswer =
  | { readonly t: 'at'; readonly next: number; readonly offset: number; readonly done: boolean }
  | { readonly t: 'refused'; readonly code: string }

/** What the core's request/response streams give the market (worker/core/core-streams.ts). */
export type DealNet = PeerStreams

const isDealBlocks = (x: unknown): x is DealBlocks =>
  isObj(x) &&
  x['t'] === 'blocks' &&
  isIndex(x['deal']) &&
  isIndex(x['replica']) &&
  isIndex(x['from']) &&
  Array.isArray(x['blocks']) &&
  x['blocks'].length <= MAX_BLOCKS_PER_REQUEST &&
  x['blocks'].every((b) => b instanceof Uint8Array)

const isDealAnswer = (x: unknown): x is DealAnswer =>
  isObj(x) &&
  ((x['t'] === 'at' && isIndex(x['next']) && isIndex(x['offset']) && typeof x['done'] === 'boolean') ||
    (x['t'] === 'refused' && typeof x['code'] === 'string' && x['code'].length <= 64))

const decoded = <T>(bytes: Uint8Array, guard: (x: unknown) => x is T): T | undefined =>
  decodeGuarded(bytes, MAX_REQUEST_BYTES, guard)

export const encodeDealBlocks = (m: Omit<DealBlocks, 't'>): Uint8Array => encode({ t: 'blocks', ...m })
export const decodeDealBlocks = (b: Uint8Array) => decoded(b, isDealBlocks)
export const encodeDealAnswer = (m: DealAnswer): Uint8Array => encode(m)
export const decodeDealAnswer = (b: Uint8Array) => decoded(b, isDealAnswer)
