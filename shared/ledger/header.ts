// The ledger header: what a closed ledger commits to, named by the CID of its DAG-CBOR encoding.
// Headers chain by prevHeader; stateRoot commits to every account and module entry.
import { CID, cidOf } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { type Amount, asUnits } from './amount.ts'
import type { ModuleTotals } from './operations/registry.ts'

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
  /** Each module's figures for this ledger (mining: a day's emission and payout), by module name. */
  readonly moduleTotals: Readonly<Record<string, ModuleTotals>>
}

/** Bounds on a header's module totals: modules, figures per module, characters per name. */
export const TOTALS_LIMITS = { modules: 32, figures: 16, name: 32 } as const

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
  'moduleTotals',
].sort()

const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x)
const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array)
const isName = (k: string) => k.length > 0 && k.length <= TOTALS_LIMITS.name

/** Module totals, amounts normalized to bigint; undefined when malformed or beyond the limits. */
const parseTotals = (x: unknown): Record<string, ModuleTotals> | undefined => {
  if (!isMap(x) || Object.keys(x).length > TOTALS_LIMITS.modules) return undefined
  const out: Record<string, ModuleTotals> = {}
  for (const [m, figures] of Object.entries(x)) {
    if (!isName(m) || !isMap(figures) || Object.keys(figures).length > TOTALS_LIMITS.figures) return undefined
    const t: Record<string, bigint> = {}
    for (const [k, v] of Object.entries(figures)) {
      const amount = asUnits(v)
      if (!isName(k) || amount === undefined) return undefined
      t[k] = amount
    }
    out[m] = t
  }
  return out
}

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
  const moduleTotals = parseTotals(h.moduleTotals)
  if (moduleTotals === undefined) return bad('moduleTotals')
  return ok({ ...(h as unknown as LedgerHeader), totalCoins, feePool, moduleTotals })
}
