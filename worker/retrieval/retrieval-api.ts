// The retrieval service's RPC method and event, and their guards (issue 15): fetch a file, or a
// byte range of it, from the nodes that hold it; progress events while it comes.
import { badParams, isObj, optional, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { ServerReport } from './fetcher.ts'
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

export interface FetchParams {
  readonly cid: string
  readonly range?: ByteRange
  /** The most the fetch pays in all, base units as a decimal string (what the user saw quoted). */
  readonly maxPay?: string
}

export type RetrievalMethods = {
  /** Fetches `cid` (a UnixFS file) from its holders, checking every block; a range gives only those bytes. */
  'retrieval.fetch': Method<FetchParams, FetchedFile>
}

export type RetrievalEvents = {
  retrieval: RetrievalProgress
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
}
