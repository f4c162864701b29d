// The day export (W24): one JSON document with a day's inputs (trust graph, check-ins,
// invites, validator participation, pools), the day's transactions, the distribution the node
// applied and the day's closing header. A node produces it with makeDayExport (the devnet
// launcher's --export-days writes its validator's); `npm run sim -- --replay FILE` recomputes the
// distribution with the same code (replayDay) and, for a node's export, which carries the day's
// start state, re-applies its ledgers (day-ledgers.ts); it reports agreement or the first difference.
import { type DayInputs, dayInputsFromJson, dayInputsToJson } from '../mining/day-inputs.ts'
import { computeDayDistribution, type DayDistribution } from '../mining/distribution.ts'
import { type MiningParams, miningParams } from '../mining/params.ts'
import { err, ok, type Result, type WattError, wattError, toWattError } from '../util/errors.ts'
import type { DayStart } from './day-snapshot.ts'
import { firstDifference, type Json, type JsonDifference, toJson } from './json-diff.ts'

export const DAY_EXPORT_FORMAT = 'watt-day-export/1'
/** Largest export accepted for replay (characters of JSON). */
export const MAX_DAY_EXPORT_CHARS = 256 * 1024 * 1024

/**
 * One closed ledger of the day: its sequence, header CID and transactions (encoded as the node
 * stores them). A real node's export also carries what re-applying the ledger needs: the tx
 * set's previous header and close proof (hex envelopes) and the agreed facts (close time, close
 * signers, upgrades); `txs` are then the hex bytes.
 */
export interface DayLedger {
  readonly seq: number
  readonly headerCid: string
  readonly txs: readonly Json[]
  readonly prevHeader?: string
  /** The tx set's close proof of the previous ledger (hex). Absent: empty. */
  readonly proof?: readonly Json[]
  readonly closeTimeMs?: number
  readonly signers?: readonly string[]
  /** Absent: none. */
  readonly upgrades?: readonly Json[]
}

/** The header that closed the day: the first ledger after the boundary, which applies the distribution. */
export interface ClosingHeader {
  readonly seq: number
  readonly cid: string
  readonly dayIndex: number
  readonly closeTimeMs: number
  readonly totalCoins: string
  readonly feePool: string
}

export interface DayExport {
  readonly format: typeof DAY_EXPORT_FORMAT
  readonly network: string
  readonly day: number
  readonly params: Json
  readonly inputs: Json
  readonly ledgers: readonly DayLedger[]
  readonly distribution: Json
  readonly closingHeader: ClosingHeader
  /**
   * Node exports: the network's genesis config (configToJson; the ledger code reads its timing,
   * fees and network id), the ledger the day starts from with its whole state (day-snapshot.ts),
   * and the closing ledger's replay material.
   */
  readonly genesis?: Json
  readonly start?: DayStart
  readonly closingLedger?: DayLedger
}

export interface DayExportParts {
  readonly network: string
  readonly params: MiningParams
  readonly inputs: DayInputs
  readonly ledgers: readonly DayLedger[]
  readonly distribution: DayDistribution
  readonly closingHeader: ClosingHeader
}

/** Builds the export from what a node recorded; pure, so the node and the simulator share it. */
export const makeDayExport = (p: DayExportParts): DayExport => ({
  format: DAY_EXPORT_FORMAT,
  network: p.network,
  day: p.inputs.day,
  params: miningParams.toJson(p.params),
  inputs: toJson(dayInputsToJson(p.inputs)),
  ledgers: p.ledgers,
  distribution: toJson(p.distribution),
  closingHeader: p.closingHeader,
})

type BadExport = WattError<'sim/bad-day-export'>
const bad = (field: string, details: Record<string, unknown> = {}): Result<never, BadExport> =>
  err(wattError('sim/bad-day-export', { field, ...details }))

const paramsFromJson = (j: unknown): Result<MiningParams, WattError> => {
  const p = miningParams.parse(j)
  return p.ok ? p : bad(`params.${String(p.error.field)}`)
}

export interface ParsedDayExport {
  readonly doc: DayExport
  readonly params: MiningParams
  readonly inputs: DayInputs
}

/** Checks untrusted JSON text into an export with typed params and inputs. */
export const parseDayExport = (text: string): Result<ParsedDayExport, WattError> => {
  if (text.length > MAX_DAY_EXPORT_CHARS) return bad('size', { size: text.length })
  let j: unknown
  try {
    j = JSON.parse(text)
  } catch (e) {
    return bad('json', { message: toWattError(e).message })
  }
  if (typeof j !== 'object' || j === null) return bad('root')
  const d = j as Partial<DayExport>
  if (d.format !== DAY_EXPORT_FORMAT) return bad('format', { got: d.format })
  if (typeof d.network !== 'string' || !Number.isSafeInteger(d.day)) return bad('network/day')
  if (!Array.isArray(d.ledgers)) return bad('ledgers')
  if (typeof d.closingHeader !== 'object' || d.closingHeader === null) return bad('closingHeader')
  const params = paramsFromJson(d.params)
  if (!params.ok) return params
  const inputs = dayInputsFromJson(d.inputs)
  if (!inputs.ok) return inputs
  if (inputs.value.day !== d.day) return bad('inputs.day')
  return ok({ doc: d as DayExport, params: params.value, inputs: inputs.value })
}

export type ReplayOutcome =
  | { readonly agree: true; readonly day: number; readonly rewards: number; readonly distributed: string }
  | { readonly agree: false; readonly day: number; readonly difference: JsonDifference }

/**
 * Recomputes the day from its inputs and compares with what the node recorded: the
 * distribution field by field, the inputs' ledger count against the listed ledgers, and the
 * closing header's day index.
 */
export const replayDay = (p: ParsedDayExport): ReplayOutcome => {
  const { doc, params, inputs } = p
  const differ = (difference: JsonDifference): ReplayOutcome => ({ agree: false, day: doc.day, difference })
  if (doc.ledgers.length !== inputs.ledgersInDay) {
    return differ({ path: '$.ledgers.length', expected: inputs.ledgersInDay, actual: doc.ledgers.length })
  }
  if (doc.closingHeader.dayIndex !== doc.day + 1) {
    return differ({
      path: '$.closingHeader.dayIndex',
      expected: doc.day + 1,
      actual: doc.closingHeader.dayIndex,
    })
  }
  let recomputed: DayDistribution
  try {
    recomputed = computeDayDistribution(inputs, params)
  } catch (e) {
    return differ({ path: '$.distribution', expected: doc.distribution, actual: toWattError(e).code })
  }
  const d = firstDifference(doc.distribution, toJson(recomputed), '$.distribution')
  if (d) return differ(d)
  return {
    agree: true,
    day: doc.day,
    rewards: recomputed.rewards.length,
    distributed: recomputed.distributed.toString(),
  }
}
