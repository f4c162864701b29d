// The retrieval service's RPC method and event, and their guards (issue 15): fetch a file, or a
// byte range of it, from the nodes that hold it; progress events while it comes. Serving as a
// retrieval miner: settings (on/off, cache budget, price) and what it has served and earned.
// Volunteering as a retrieval checker (checker-service.ts): join, leave, and what it is checking.
import { badParams, isObj, noParams, optional, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { TxView } from '../node/account-txs.ts'
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
  /** Added to the price per byte of a deal's data this node serves by unsealing its sector. */
  readonly unsealPricePerByte: string
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
  /** Absent: unsealing costs nothing extra ('0'). */
  readonly unsealPricePerByte?: string
}

export interface FetchParams {
  readonly cid: string
  readonly range?: ByteRange
  /** The most the fetch pays in all, base units as a decimal string (what the user saw quoted). */
  readonly maxPay?: string
}

/** The checker's transactions: joining, leaving, and one report per sample it was assigned. */
export type CheckTxKind = 'joinChecks' | 'leaveChecks' | 'reportCheck'

/** One sample of the live round assigned to this wallet, and how far its check is. */
export interface CheckRow {
  readonly sample: number
  readonly provider: string
  readonly cid: string
  /** waiting (not started), checking (fetching), ok / failed (the outcome found, to be reported). */
  readonly state: 'waiting' | 'checking' | 'ok' | 'failed'
  /** Why it failed (the provider's fault: bad_block, stalled, refused, no_connection, timeout...). */
  readonly code?: string
  /** The ledger holds this wallet's report on it. */
  readonly reported: boolean
}

/** This wallet as a retrieval checker. The bond is base units as decimal text. */
export interface CheckerView {
  readonly joined: boolean
  /** The bond locked while joined, else what joining locks. */
  readonly bond: string
  /** The live round, when one has been drawn. */
  readonly round?: number
  readonly checks: readonly CheckRow[]
  readonly txs: readonly TxView<CheckTxKind>[]
}

export type RetrievalMethods = {
  /** Fetches `cid` (a UnixFS file) from its holders, checking every block; a range gives only those bytes. */
  'retrieval.fetch': Method<FetchParams, FetchedFile>
  /** Who holds `cid` and what the cheapest of them asks for all of it, before anything is paid. */
  'retrieval.quote': Method<{ readonly cid: string }, RetrievalQuote>
  /** Turns serving on or off, sets the cache budget (evicting at once) and the price per byte. */
  'retrieval.serve.set': Method<ServeRequest, ServeStats>
  'retrieval.serve.get': Method<undefined, ServeStats>
  /** Registers this wallet as a retrieval checker (locks the bond): it then checks what it is assigned. */
  'retrieval.checks.join': Method<undefined, { readonly id: string }>
  /** Unregisters it and gives the bond back (the live round's assignments are still checked). */
  'retrieval.checks.leave': Method<undefined, { readonly id: string }>
  'retrieval.checks.get': Method<undefined, CheckerView>
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
  const price = (key: string) => {
    const t = text(o, key, MAX_PRICE_DIGITS)
    return /^(0|[1-9][0-9]*)$/.test(t) ? t : badParams(key)
  }
  const pricePerByte = price('pricePerByte')
  const unseal =
    o['unsealPricePerByte'] === undefined ? {} : { unsealPricePerByte: price('unsealPricePerByte') }
  return { enabled: o['enabled'] as boolean, budgetBytes, pricePerByte, ...unseal }
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
  'retrieval.checks.join': noParams,
  'retrieval.checks.leave': noParams,
  'retrieval.checks.get': noParams,
}
