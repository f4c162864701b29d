// DayInputs: a plain-data description of one mining day, everything computeDayDistribution
// needs and nothing else, so the ledger can build it from its state and the simulator can
// replay exported days. At the JSON edge bigints travel as decimal strings.
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'

export interface CircleInput {
  /** The account whose circle this is (the voucher). */
  readonly account: string
  /** The accounts it vouches for, as of the start of the day. */
  readonly members: readonly string[]
}

export interface InviteInput {
  readonly account: string
  readonly ambassador: string
}

export interface ValidatorInput {
  /** The account credited with the node reward. */
  readonly account: string
  /** How many of the day's ledgers had an EXTERNALIZE signed by this validator. */
  readonly signed: number
}

export interface DayInputs {
  /** Day index since genesis (0 = genesis day). */
  readonly day: number
  /** Accounts that checked in on the day (duplicates are ignored). */
  readonly checkedIn: readonly string[]
  /**
   * Those of `checkedIn` whose check-in proved presence by press-and-hold, which the network
   * cannot check: they weigh `holdWeightPpm`, the others (passkeys) `passkeyWeightPpm`. Absent: none.
   */
  readonly holdCheckIns?: readonly string[]
  readonly circles: readonly CircleInput[]
  readonly invites: readonly InviteInput[]
  readonly validators: readonly ValidatorInput[]
  /** Ledgers closed during the day (the denominator of uptime). */
  readonly ledgersInDay: number
  /** Where trust starts: genesis seed accounts and validators' operator accounts (trustSeeds); later verified people. */
  readonly seeds: readonly string[]
  /** Fees collected and not yet distributed, base units. */
  readonly feePool: bigint
  /** What is left of the phase-1 pool before this day, base units. */
  readonly phase1Remaining: bigint
}

/** Upper bounds on the size of one day's inputs (the ledger's account count is far below). */
export const DAY_INPUT_LIMITS = { maxAccounts: 20_000_000, maxAddressLength: 128 } as const

export type DayInputsJson = Omit<DayInputs, 'feePool' | 'phase1Remaining'> & {
  readonly feePool: string
  readonly phase1Remaining: string
}

export const dayInputsToJson = (d: DayInputs): DayInputsJson => ({
  ...d,
  feePool: d.feePool.toString(),
  phase1Remaining: d.phase1Remaining.toString(),
})

type BadInputs = WattError<'mining/bad-day-inputs'>
const bad = (field: string): Result<never, BadInputs> => err(wattError('mining/bad-day-inputs', { field }))
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
const isAddr = (x: unknown): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= DAY_INPUT_LIMITS.maxAddressLength
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
const isAddrList = (x: unknown): x is string[] =>
  Array.isArray(x) && x.length <= DAY_INPUT_LIMITS.maxAccounts && x.every(isAddr)
const units = (x: unknown): bigint | undefined =>
  typeof x === 'string' && /^(0|[1-9][0-9]{0,30})$/.test(x) ? BigInt(x) : undefined

/** Parses and checks untrusted JSON (an exported day) into DayInputs. */
export const dayInputsFromJson = (j: unknown): Result<DayInputs, BadInputs> => {
  if (!isObj(j)) return bad('root')
  const { day, checkedIn, circles, invites, validators, ledgersInDay, seeds } = j
  if (!isCount(day)) return bad('day')
  if (!isAddrList(checkedIn)) return bad('checkedIn')
  if (!isAddrList(seeds)) return bad('seeds')
  const { holdCheckIns } = j
  if (holdCheckIns !== undefined && !isAddrList(holdCheckIns)) return bad('holdCheckIns')
  if (!isCount(ledgersInDay)) return bad('ledgersInDay')
  if (
    !Array.isArray(circles) ||
    !circles.every((c) => isObj(c) && isAddr(c.account) && isAddrList(c.members) && c.members.length <= 100)
  )
    return bad('circles')
  if (!Array.isArray(invites) || !invites.every((i) => isObj(i) && isAddr(i.account) && isAddr(i.ambassador)))
    return bad('invites')
  if (
    !Array.isArray(validators) ||
    !validators.every((v) => isObj(v) && isAddr(v.account) && isCount(v.signed))
  )
    return bad('validators')
  const feePool = units(j.feePool)
  if (feePool === undefined) return bad('feePool')
  const phase1Remaining = units(j.phase1Remaining)
  if (phase1Remaining === undefined) return bad('phase1Remaining')
  return ok({
    day,
    checkedIn,
    ...(holdCheckIns === undefined ? {} : { holdCheckIns }),
    circles: circles as CircleInput[],
    invites: invites as InviteInput[],
    validators: validators as ValidatorInput[],
    ledgersInDay,
    seeds,
    feePool,
    phase1Remaining,
  })
}
