// `/watt/retrieve/1`: how a node fetches a file's blocks by CID from a node that holds them
// (issue 15, item 2). A request names a CID (the file's root or any subtree of it), the index in
// pre-order of the first block wanted, an optional byte range of the file, and an opaque voucher
// for a payment layer; the answer carries the next blocks in pre-order (about 1 MiB) and says
// whether the walk is done, or why the server refuses. The server keeps no state between
// requests: a client resumes anywhere by asking from another index. DAG-CBOR, each message
// guarded before use, as `/watt/deal/1` (worker/market/deal-wire.ts). Payment (docs/retrieval-transfer.md,
// "Payments"): an `ask` request gets the server's price per byte, payment interval and payee; a
// `pay` request hands over the last voucher of a fetch, covering the last answer's bytes.
import { encode } from '@ipld/dag-cbor'
import { decodeGuarded, isIndex, isObj } from '../../shared/codec/guarded.ts'
import type { ByteSpan } from '../../shared/storage/unixfs-walk.ts'

export const RETRIEVE_PROTOCOL = '/watt/retrieve/1'
/** Blocks of one answer at most (about 1 MiB of them, never more than this many). */
export const MAX_BLOCKS_PER_ANSWER = 64
export const ANSWER_BATCH_BYTES = 1 << 20
export const MAX_ANSWER_BYTES = (1 << 20) + (96 << 10)
const MAX_REQUEST_BYTES = 4096
export const MAX_VOUCHER_BYTES = 2048
const MAX_CID_CHARS = 128
const MAX_CODE_CHARS = 64
/** A price per byte in base units, as a decimal string: at most this many digits. */
const MAX_PRICE_DIGITS = 19

export interface ByteRange {
  readonly offset: number
  readonly length: number
}

export interface RetrieveRequest {
  readonly t: 'get'
  readonly cid: string
  /** Index in pre-order (counting only the blocks meeting `range`) of the first block wanted. */
  readonly from: number
  /** Only the blocks holding these file bytes, counted from the first byte of `cid`'s subtree. */
  readonly range?: ByteRange
  readonly voucher?: Uint8Array
}

/** Asks the server's terms for `cid` (answered with an `ask` answer or a refusal). */
export interface AskRequest {
  readonly t: 'ask'
  readonly cid: string
}

/** The last voucher of a fetch, paying for what the last answer carried (answered `paid` or refused). */
export interface PayRequest {
  readonly t: 'pay'
  readonly voucher: Uint8Array
}

export type RetrieveMessage = RetrieveRequest | AskRequest | PayRequest

/** A server's retrieval ask: its price, how far a client may run unpaid, and whom vouchers pay. */
export interface AskAnswer {
  readonly t: 'ask'
  /** Base units a byte of block served, decimal ("0": free). */
  readonly pricePerByte: string
  /** Bytes the server serves beyond what the vouchers it holds pay for. */
  readonly interval: number
  /** The server's account public key (32 bytes), the payee of vouchers; present when priced. */
  readonly payee?: Uint8Array
  /** The blocks' bytes of the DAG, when the server knows them. */
  readonly size?: number
}

export type RetrieveAnswer =
  | AskAnswer
  | { readonly t: 'paid' }
  | {
      readonly t: 'blocks'
      readonly blocks: readonly Uint8Array[]
      /** The index of the block after the last one carried. */
      readonly next: number
      readonly done: boolean
    }
  | { readonly t: 'refused'; readonly code: string }

export const spanOf = (r: ByteRange | undefined): ByteSpan | undefined => r && [r.offset, r.offset + r.length]

const isRange = (x: unknown): x is ByteRange =>
  isObj(x) &&
  isIndex(x['offset']) &&
  isIndex(x['length']) &&
  x['length'] > 0 &&
  Number.isSafeInteger(x['offset'] + x['length'])

const isCid = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_CID_CHARS
const isVoucher = (x: unknown): x is Uint8Array => x instanceof Uint8Array && x.length <= MAX_VOUCHER_BYTES

const isRequest = (x: unknown): x is RetrieveRequest =>
  isObj(x) &&
  x['t'] === 'get' &&
  isCid(x['cid']) &&
  isIndex(x['from']) &&
  (x['range'] === undefined || isRange(x['range'])) &&
  (x['voucher'] === undefined || isVoucher(x['voucher']))

const isMessage = (x: unknown): x is RetrieveMessage =>
  isRequest(x) ||
  (isObj(x) && x['t'] === 'ask' && isCid(x['cid']) && Object.keys(x).length === 2) ||
  (isObj(x) && x['t'] === 'pay' && isVoucher(x['voucher']) && Object.keys(x).length === 2)

const isPrice = (x: unknown): x is string =>
  typeof x === 'string' && x.length <= MAX_PRICE_DIGITS && /^(0|[1-9][0-9]*)$/.test(x)

const isAsk = (x: Record<string, unknown>): boolean =>
  x['t'] === 'ask' &&
  isPrice(x['pricePerByte']) &&
  isIndex(x['interval']) &&
  (x['size'] === undefined || isIndex(x['size'])) &&
  (x['payee'] === undefined
    ? x['pricePerByte'] === '0'
    : x['payee'] instanceof Uint8Array && x['payee'].length === 32)

const isAnswer = (x: unknown): x is RetrieveAnswer =>
  isObj(x) &&
  (isAsk(x) ||
    x['t'] === 'paid' ||
    (x['t'] === 'blocks' &&
      Array.isArray(x['blocks']) &&
      x['blocks'].length <= MAX_BLOCKS_PER_ANSWER &&
      x['blocks'].every((b) => b instanceof Uint8Array) &&
      isIndex(x['next']) &&
      typeof x['done'] === 'boolean') ||
    (x['t'] === 'refused' && typeof x['code'] === 'string' && x['code'].length <= MAX_CODE_CHARS))

/** DAG-CBOR has no `undefined`: absent fields are left out. */
export const encodeRetrieveRequest = (m: Omit<RetrieveRequest, 't'>): Uint8Array =>
  encode({
    t: 'get',
    cid: m.cid,
    from: m.from,
    ...(m.range ? { range: { offset: m.range.offset, length: m.range.length } } : {}),
    ...(m.voucher ? { voucher: m.voucher } : {}),
  })
export const encodeAskRequest = (cid: string): Uint8Array => encode({ t: 'ask', cid })
export const encodePayRequest = (voucher: Uint8Array): Uint8Array => encode({ t: 'pay', voucher })
/** Any request a server takes: `get`, `ask` or `pay`. */
export const decodeRetrieveRequest = (b: Uint8Array) => decodeGuarded(b, MAX_REQUEST_BYTES, isMessage)
export const encodeRetrieveAnswer = (m: RetrieveAnswer): Uint8Array =>
  encode(
    m.t === 'ask'
      ? {
          t: 'ask',
          pricePerByte: m.pricePerByte,
          interval: m.interval,
          ...(m.payee ? { payee: m.payee } : {}),
          ...(m.size !== undefined ? { size: m.size } : {}),
        }
      : m,
  )
export const decodeRetrieveAnswer = (b: Uint8Array) => decodeGuarded(b, MAX_ANSWER_BYTES, isAnswer)
export const refused = (code: string): RetrieveAnswer => ({
  t: 'refused',
  code: code.slice(0, MAX_CODE_CHARS),
})
