// The day-boundary close step. In every ledger it counts the ledger and each validator named as
// an EXTERNALIZE signer of the previous ledger (the agreed facts, ctx.signers) for its day; in the
// first ledger of a new day it builds the finished day's DayInputs from ledger state alone (trust
// seeded from the genesis seed accounts and the operator accounts of the validator set in force),
// computes the distribution with the parameters in
// force, issues the emission from the phase-1 pool and pays the fee shares from the fee pool,
// records the day's totals and each account's reward history, drops the finished day's lists, and
// reports the day's emission and payout as the module's header totals.
import type { Address } from '../crypto/address.ts'
import type { Amount } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, deleteList, readList } from '../ledger/lists.ts'
import { issue, payFromFeePool } from '../ledger/money.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import type { CircleInput, DayInputs, InviteInput, ValidatorInput } from './day-inputs.ts'
import { computeDayDistribution, type DayDistribution } from './distribution.ts'
import {
  checkInKind,
  circleOn,
  type DayTotals,
  getCircle,
  getNumber,
  keys,
  MODULE,
  pushRewardHistory,
} from './ledger-data.ts'
import { trustSeeds } from './node-link.ts'
import type { MiningParams } from './params.ts'

export const PHASE1_POOL_NAME = 'phase1'

/** What the boundary knows besides ledger data: the validator set and mining parameters in force. */
export interface DayFacts {
  readonly validators: readonly Address[]
  readonly params: MiningParams
}

/** DayInputs of `day` as the ledger recorded it, trust seeded as `trustSeeds` says. */
export const dayInputsFromLedger = (d: LedgerDraft, day: number, facts: DayFacts): DayInputs => {
  const circles: CircleInput[] = []
  for (const owner of readList<Address>(d, MODULE, keys.circleOwners)) {
    const c = getCircle(d, owner)
    if (c) circles.push({ account: owner, members: circleOn(c, day) })
  }
  const invites: InviteInput[] = readList<Address>(d, MODULE, keys.invitees).map((a) => ({
    account: a,
    ambassador: d.getData(MODULE, keys.ambassador(a)) as string,
  }))
  const validators: ValidatorInput[] = readList<Address>(d, MODULE, keys.signerList(day)).map((a) => ({
    account: a,
    signed: getNumber(d, keys.signed(day, a)),
  }))
  const pools = d.getPools()
  const checkedIn = readList<Address>(d, MODULE, keys.checkInList(day))
  return {
    day,
    checkedIn,
    holdCheckIns: checkedIn.filter((a) => checkInKind(d, day, a) === 'hold'),
    circles,
    invites,
    validators,
    ledgersInDay: getNumber(d, keys.ledgers(day)),
    seeds: trustSeeds(d, facts.params, facts.validators),
    feePool: pools.feePool,
    phase1Remaining: pools.unissued[PHASE1_POOL_NAME] ?? 0n,
  }
}

/** Pays a computed distribution; returns what was paid from the emission and in all. */
const payOut = (d: LedgerDraft, dist: DayDistribution): { mined: bigint; paid: bigint } => {
  let paid = 0n
  let minedPaid = 0n
  for (const r of dist.rewards) {
    const a = r.account as Address
    // a validator's node key need not have been funded: its first reward opens its account
    if (r.node > 0n && !d.getAccount(a)) d.putAccount(a, { balance: 0n as Amount, seq: 0n })
    const mined = r.total - r.fee
    const okMined = mined === 0n || issue(d, PHASE1_POOL_NAME, a, mined as Amount) === undefined
    const okFee = r.fee === 0n || payFromFeePool(d, a, r.fee as Amount) === undefined
    const got = (okMined ? mined : 0n) + (okFee ? r.fee : 0n)
    if (got === 0n) continue
    paid += got
    if (okMined) minedPaid += mined
    const { base, circle, referral, node, fee } = r
    pushRewardHistory(d, a, {
      day: dist.day,
      total: got,
      base: okMined ? base : 0n,
      circle: okMined ? circle : 0n,
      referral: okMined ? referral : 0n,
      node: okMined ? node : 0n,
      fee: okFee ? fee : 0n,
    })
  }
  return { mined: minedPaid, paid }
}

/** The emission's unpaid part (rounding, uncreditable shares) joins the fee pool, as in the model. */
const moveUnpaidEmission = (d: LedgerDraft, amount: bigint): void => {
  if (amount === 0n) return
  const p = d.getPools()
  const left = p.unissued[PHASE1_POOL_NAME] ?? 0n
  d.putPools({
    feePool: (p.feePool + amount) as Amount,
    unissued: { ...p.unissued, [PHASE1_POOL_NAME]: (left - amount) as Amount },
  })
}

const finishDay = (d: LedgerDraft, day: number, facts: DayFacts): ModuleTotals => {
  const inputs = dayInputsFromLedger(d, day, facts)
  const dist = computeDayDistribution(inputs, facts.params)
  const { mined, paid: distributed } = payOut(d, dist)
  moveUnpaidEmission(d, dist.emission - mined)
  const totals: DayTotals = {
    day,
    emission: dist.emission,
    feePool: dist.feePool,
    distributed,
    remainder: dist.emission + dist.feePool - distributed,
    accounts: dist.rewards.length,
    ledgers: inputs.ledgersInDay,
  }
  d.putData(MODULE, keys.dayTotals(day), totals)
  for (const a of inputs.checkedIn) d.putData(MODULE, keys.checkedIn(day, a as Address), undefined)
  deleteList(d, MODULE, keys.checkInList(day))
  for (const v of inputs.validators) d.putData(MODULE, keys.signed(day, v.account as Address), undefined)
  deleteList(d, MODULE, keys.signerList(day))
  d.putData(MODULE, keys.ledgers(day), undefined)
  const { emission, feePool, remainder } = totals
  return { emission, feePool, distributed, remainder }
}

export const miningCloseStep: CloseStep<MiningParams> = {
  name: 'mining/day-boundary',
  run: (d, ctx) => {
    const totals = ctx.dayIndex > ctx.prevDayIndex ? finishDay(d, ctx.prevDayIndex, ctx) : undefined
    const day = ctx.dayIndex
    d.putData(MODULE, keys.ledgers(day), getNumber(d, keys.ledgers(day)) + 1)
    for (const v of ctx.signers) {
      const key = keys.signed(day, v)
      const n = getNumber(d, key)
      if (n === 0) appendToList(d, MODULE, keys.signerList(day), v)
      d.putData(MODULE, key, n + 1)
    }
    return totals
  },
}
