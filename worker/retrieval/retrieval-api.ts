// The retrieval service's RPC method and event, and their guards (issue 15): fetch a file, or a
// byte range of it, from the nodes that hold it; progress events while it comes. Serving as a
// retrieval miner: settings (on/off, cache budget, price) and what it has served and earned.
import { badParams, isObj, noParams, optional, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { ServerReport } from './fetcher.ts'
import type { RetrievalQuote } from './quote.ts'
import type { ByteRange } from './retrieve-wire.ts'

export interface FetchedFile {
  readonly cid: string
  /** The whole file's size, and the bytes given back (those of the range asked, else all). */
  readonly size: number
  readonly bytes: number
  readonly blob: Blob
  /** Each server asked: the bytes verified from it and why it dropped out, if it did. */
  readonly servers: readonly ServerReport[]
}

export interface RetrievalProgress {
  readonly cid: string
  readonly bytes: number
  readonly total: number
  readonly peers: number
  /** Bytes a second since the fetch began. */
  readonly speed: number
}

/** What serving is set to, and what it has done. Amounts are base units as decimal text. */
export interface ServeStats {
  readonly enabled: boolean
  readonly budgetBytes: number
  readonly pricePerByte: string
  /** The cache: bytes its fetches added, and files (entries) in it. */
  readonly usedBytes: number
  readonly items: number
  /** Block bytes sent on `/watt/retrieve/1` since the node started. */
  readonly bytesServed: number
  readonly earned: string
}

export interface ServeRequest {
  readonly enabled: boolean
  readonly budgetBytes: number
  readonly pricePerByte: string
}

export interface FetchParams {
  readonly cid: string
  readonly range?: ByteRange
  /** The most the fetch pays in all, base units as a decimal string (what the user saw quoted). */
  readonly maxPay?: string
}

export type RetrievalMethods = {
  /** Fetches `cid` (a UnixFS file) from its holders, checking every block; a range gives only those bytes. */
  'retrieval.fetch': Method<FetchParams, FetchedFile>
  /** Who holds `cid` and what the cheapest of them asks for all of it, before anything is paid. */
  'retrieval.quote': Method<{ readonly cid: string }, RetrievalQuote>
  /** Turns serving on or off, sets the cache budget (evicting at once) and the price per byte. */
  'retrieval.serve.set': Method<ServeRequest, ServeStats>
  'retrieval.serve.get': Method<undefined, ServeStats>
}

export type RetrievalEvents = {
  retrieval: RetrievalProgress
  /** Serving's stats after a change (at most every second). */
  serve: ServeStats
}

/** The largest cache budget (1 PiB) and price text (digits) a tab may set. */
export const MAX_BUDGET_BYTES = 2 ** 50
const MAX_PRICE_DIGITS = 30

const serveRequest = (p: unknown): ServeRequest => {
  const o = paramsObject(p)
  if (typeof o['enabled'] !== 'boolean') badParams('enabled')
  const budgetBytes = safeInt(o, 'budgetBytes')
  if (budgetBytes < 0 || budgetBytes > MAX_BUDGET_BYTES) badParams('budgetBytes', { max: MAX_BUDGET_BYTES })
  const pricePerByte = text(o, 'pricePerByte', MAX_PRICE_DIGITS)
  if (!/^(0|[1-9][0-9]*)$/.test(pricePerByte)) badParams('pricePerByte')
  return { enabled: o['enabled'] as boolean, budgetBytes, pricePerByte }
}

const range = (o: Record<string, unknown>, key: string): ByteRange => {
  const r = o[key]
  if (!isObj(r)) return badParams(key)
  const offset = safeInt(r, 'offset')
  const length = safeInt(r, 'length')
  if (offset < 0 || length < 1 || !Number.isSafeInteger(offset + length)) badParams(key)
  return { offset, length }
}

const decimal = (o: Record<string, unknown>, key: string): string => {
  const v = text(o, key, 19)
  return /^(0|[1-9][0-9]*)$/.test(v) ? v : badParams(key)
}

export const RETRIEVAL_GUARDS: Guards<RetrievalMethods> = {
  'retrieval.fetch': (p) => {
    const o = paramsObject(p)
    const r = optional(o, 'range', range)
    const maxPay = optional(o, 'maxPay', decimal)
    return { cid: text(o, 'cid', 200), ...(r ? { range: r } : {}), ...(maxPay ? { maxPay } : {}) }
  },
  'retrieval.quote': (p) => ({ cid: text(paramsObject(p), 'cid', 200) }),
  'retrieval.serve.set': serveRequest,
  'retrieval.serve.get': noParams,
}
