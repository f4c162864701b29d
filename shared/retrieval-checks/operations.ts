// The retrieval-checks operations (docs/retrieval-checks.md): joinChecks registers the source as a
// volunteer checker and locks the bond; leaveChecks unregisters it and gives the bond back;
// reportCheck records an assigned checker's outcome for a sample of the live round. The source
// of the transaction is the checker and signs it: nobody reports for another, nobody reports a
// sample it was not assigned. Every refusal changes nothing.
import type { Amount } from '../ledger/amount.ts'
import { lockInModule, releaseFromModule } from '../ledger/money.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { type FieldKind, parseFields } from '../market/wire.ts'
import { err, ok, wattError } from '../util/errors.ts'
import type { ChecksCode } from './codes.ts'
import type { ChecksParams } from './params.ts'
import {
  CHECKS,
  checkerList,
  FAILED,
  getChecker,
  getSample,
  liveRound,
  putChecker,
  putCheckerList,
  putSample,
  roundOf,
} from './store.ts'

export interface JoinChecksOp {
  readonly type: 'joinChecks'
}
export interface LeaveChecksOp {
  readonly type: 'leaveChecks'
}
/** `leaf` (a CID text) only with 'ok': the leaf block the checker fetched for the sample's point. */
export interface ReportCheckOp {
  readonly type: 'reportCheck'
  readonly round: number
  readonly sample: number
  readonly outcome: 'ok' | 'failed'
  readonly leaf?: string
}

type ChecksOp<O extends JoinChecksOp | LeaveChecksOp | ReportCheckOp> = OpHandler<O, ChecksParams, ChecksCode>

export const joinChecks: ChecksOp<JoinChecksOp> = {
  type: 'joinChecks',
  parse: (raw) => parseFields('joinChecks', raw, {}),
  apply: (d, _op, ctx) => {
    if (getChecker(d, ctx.source) !== undefined) return wattError('already_checker')
    const list = checkerList(d)
    if (list.length >= ctx.params.maxCheckers)
      return wattError('checker_limit', { max: ctx.params.maxCheckers })
    const bond = ctx.params.checkerBond
    const e = bond > 0n ? lockInModule(d, CHECKS, ctx.source, bond as Amount) : undefined
    if (e) return e
    putChecker(d, ctx.source, { bond, joined: d.seq })
    putCheckerList(d, [...list, ctx.source])
    return undefined
  },
}

export const leaveChecks: ChecksOp<LeaveChecksOp> = {
  type: 'leaveChecks',
  parse: (raw) => parseFields('leaveChecks', raw, {}),
  apply: (d, _op, ctx) => {
    const c = getChecker(d, ctx.source)
    if (c === undefined) return wattError('not_checker')
    const e = c.bond > 0n ? releaseFromModule(d, CHECKS, ctx.source, c.bond as Amount) : undefined
    if (e) return e
    putChecker(d, ctx.source, undefined)
    putCheckerList(
      d,
      checkerList(d).filter((a) => a !== ctx.source),
    )
    return undefined
  },
}

/** Exact shape: `outcome` 'ok' with a canonical `leaf` CID text, or 'failed' without one. */
const parseReport = (raw: Readonly<Record<string, unknown>>) => {
  const { outcome, ...rest } = raw
  if (outcome !== 'ok' && outcome !== 'failed')
    return err(wattError('malformed', { what: 'reportCheck', field: 'outcome' }))
  const fields: Record<string, FieldKind> = { round: 'nat', sample: 'nat' }
  if (outcome === 'ok') fields.leaf = 'cid'
  const r = parseFields<Omit<ReportCheckOp, 'outcome'>>('reportCheck', rest, fields)
  return r.ok ? ok<ReportCheckOp>({ ...r.value, outcome }) : r
}

export const reportCheck: ChecksOp<ReportCheckOp> = {
  type: 'reportCheck',
  parse: parseReport,
  apply: (d, op, ctx) => {
    const live = liveRound(d)
    const current = roundOf(d.seq, ctx.params.roundLedgers)
    if (live === undefined || op.round !== live.round || op.round !== current)
      return wattError('wrong_round', { round: live?.round ?? -1 })
    const s = op.sample < live.samples ? getSample(d, op.sample) : undefined
    if (s === undefined) return wattError('unknown_sample', { samples: live.samples })
    if (!s.checkers.includes(ctx.source)) return wattError('not_assigned')
    if (Object.hasOwn(s.reports, ctx.source)) return wattError('already_reported')
    const value = op.outcome === 'ok' ? op.leaf! : FAILED
    putSample(d, op.sample, { ...s, reports: { ...s.reports, [ctx.source]: value } })
    return undefined
  },
}
