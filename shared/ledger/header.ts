// The ledger header: what a closed ledger commits to, named by the CID of its DAG-CBOR encoding.
// Headers chain by prevHeader; stateRoot commits to every account and module entry.
import { CID, cidOf } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { type Amount, asUnits } from './amount.ts'

export interface LedgerHeader {
  readonly protocolVersion: number
  readonly networkId: string
  readonly seq: number
  readonly prevHeader: CID | null
  readonly txSet: CID
  readonly results: CID
  readonly stateRoot: Uint8Array
  readonly closeTimeMs: number
  readonly dayIndex: number
  readonly totalCoins: Amount
  readonly feePool: Amount
}

export const headerCid = (h: LedgerHeader): CID => cidOf(h)

const FIELDS = [
  'protocolVersion',
  'networkId',
  'seq',
  'prevHeader',
  'txSet',
  'results',
  'stateRoot',
  'closeTimeMs',
  'dayIndex',
  'totalCoins',
  'feePool',
].sort()

const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x)

/** Strictly checks decoded header data (from the wire or a store). */
export const parseHeader = (x: unknown): Result<LedgerHeader, WattError<'malformed'>> => {
  const bad = (field: string) => err(wattError('malformed', { what: 'header', field }))
  if (typeof x !== 'object' || x === null) return bad('root')
  const h = x as Record<string, unknown>
  const keys = Object.keys(h).sort()
  if (keys.length !== FIELDS.length || keys.some((k, i) => k !== FIELDS[i])) return bad('fields')
  if (!int(h.protocolVersion) || !int(h.seq) || !int(h.closeTimeMs) || !int(h.dayIndex)) return bad('ints')
  if (typeof h.networkId !== 'string') return bad('networkId')
  if (h.prevHeader !== null && CID.asCID(h.prevHeader) === null) return bad('prevHeader')
  if (CID.asCID(h.txSet) === null || CID.asCID(h.results) === null) return bad('cids')
  if (!(h.stateRoot instanceof Uint8Array) || h.stateRoot.length !== 32) return bad('stateRoot')
  const totalCoins = asUnits(h.totalCoins)
  const feePool = asUnits(h.feePool)
  if (totalCoins === undefined || feePool === undefined) return bad('amounts')
  return ok({ ...(h as unknown as LedgerHeader), totalCoins, feePool })
}
