// What the Mine screen shows, built from the last closed ledger alone (pure): today's day index
// and check-in, when the next day starts, the circle with who is active today, the invite, the
// reward history of the account and of this node's validator key, and a reward estimate.
// Amounts are decimal strings of base units (RPC-safe, exact).
import type { Address } from '../../shared/crypto/address.ts'
import {
  dayIndexOf,
  type GenesisConfig,
  getAccount,
  getData,
  getPools,
  type LedgerState,
  listLength,
  stateData,
  validatorSetAt,
} from '../../shared/ledger/index.ts'
import { openDraft } from '../../shared/ledger/draft.ts'
import { dayInputsFromLedger, PHASE1_POOL_NAME } from '../../shared/mining/day-close.ts'
import { computeDayDistribution } from '../../shared/mining/distribution.ts'
import {
  checkInKind,
  circleOn,
  keys,
  MODULE,
  type PresenceKind,
  type RewardHistoryEntry,
  type StoredCircle,
} from '../../shared/mining/ledger-data.ts'
import { miningModule } from '../../shared/mining/module.ts'
import type { TxView } from '../node/account-txs.ts'

export interface RewardView {
  readonly day: number
  readonly total: string
  readonly base: string
  readonly circle: string
  readonly referral: string
  readonly node: string
  readonly fee: string
}

export interface CircleMemberView {
  readonly address: string
  /** Checked in today (as of the last closed ledger). */
  readonly activeToday: boolean
  /** Part of the circle that counts today (edits count from the next day). */
  readonly inForceToday: boolean
}

export type MiningTxKind = 'checkIn' | 'setCircle' | 'acceptInvite' | 'registerPasskey' | 'linkNode'

export type MiningTxView = TxView<MiningTxKind>

export interface NodeRewardsView {
  readonly address: string
  readonly validator: boolean
  /** The operator account linked to this node key on the ledger (linkNode), if any. */
  readonly operator?: string
  readonly accountExists: boolean
  readonly balance: string
  readonly history: readonly RewardView[]
}

/** A day's ledger count and each validator's EXTERNALIZE signatures, as its last ledger left them. */
export interface DayUptime {
  readonly day: number
  readonly ledgers: number
  readonly validators: readonly { readonly account: string; readonly signed: number }[]
}

export interface MiningView {
  /** False until the ledger service has a ledger. */
  readonly ready: boolean
  /** The wallet holds an account key. */
  readonly wallet: boolean
  readonly address?: string
  readonly accountExists: boolean
  readonly balance: string
  readonly today: number
  /** The network id, part of a passkey check-in's challenge. */
  readonly networkId: string
  readonly ledgerSeq: number
  /** The day index of the last closed ledger (today's first ledger may not have closed yet). */
  readonly ledgerDay: number
  /** The last finished day's uptime figures, as this node saw them. */
  readonly lastDay?: DayUptime
  readonly checkedInToday: boolean
  /** How today's check-in proved presence, as the ledger recorded it. */
  readonly presenceKind?: PresenceKind
  /** Passkeys the ledger binds to this account. */
  readonly passkeys: number
  /** A passkey registered here that the first check-in will put on the ledger. */
  readonly passkeyPending: boolean
  readonly checkInPending: boolean
  readonly nextDayAtMs: number
  readonly dayLengthMs: number
  /** This account's reward if the day closed now, counting it as checked in (base units). */
  readonly estimate?: string
  readonly checkInsToday: number
  readonly circle: readonly CircleMemberView[]
  /** The day from which the listed circle counts (today or tomorrow). */
  readonly circleFrom?: number
  readonly circleMin: number
  readonly circleMax: number
  readonly inviteCode?: string
  readonly invitedBy?: string
  /** Newest first. */
  readonly history: readonly RewardView[]
  readonly node: NodeRewardsView
  readonly feePool: string
  readonly phase1Remaining: string
  readonly txs: readonly MiningTxView[]
}

const count = (state: LedgerState, key: string): number => Number(getData(state, MODULE, key) ?? 0)

/** `day`'s uptime figures from module data (present until the day is distributed). */
export const dayUptime = (state: LedgerState, day: number): DayUptime => {
  const list = keys.signerList(day)
  const validators = []
  for (let i = 0; i < count(state, `${list}/#`); i++) {
    const account = getData(state, MODULE, `${list}/#${i}`) as Address
    validators.push({ account, signed: count(state, keys.signed(day, account)) })
  }
  return { day, ledgers: count(state, keys.ledgers(day)), validators }
}

const rewardView = (e: RewardHistoryEntry): RewardView => ({
  day: e.day,
  total: String(e.total),
  base: String(e.base),
  circle: String(e.circle),
  referral: String(e.referral),
  node: String(e.node),
  fee: String(e.fee),
})

const historyOf = (state: LedgerState, a: Address) =>
  miningModule.readers.rewardHistory(state, a).reverse().map(rewardView)
const checkedIn = (state: LedgerState, day: number, a: string) =>
  getData(state, MODULE, keys.checkedIn(day, a as Address)) !== undefined

/** The day index of wall-clock `nowMs`, never before the last closed ledger's day. */
export const todayOf = (config: GenesisConfig, state: LedgerState, nowMs: number): number =>
  Math.max(state.header.dayIndex, dayIndexOf(config, nowMs))

/**
 * Reward estimates for `accounts` on `day` if it closed with the last ledger's state (its
 * validator set and mining parameters), each counted as checked in. Costs one distribution over
 * the day's inputs: callers cache it.
 */
export const estimateRewards = (
  state: LedgerState,
  config: GenesisConfig,
  day: number,
  accounts: readonly Address[],
): Map<string, bigint> => {
  const h = state.header
  const draft = openDraft(state.tree, {
    seq: h.seq,
    closeTimeMs: h.closeTimeMs,
    dayIndex: h.dayIndex,
    config,
    prevHeader: h.prevHeader?.bytes ?? new Uint8Array(0),
  }).draft
  const validators = validatorSetAt(state)
  const params = miningModule.readers.params(state)
  const inputs = dayInputsFromLedger(draft, day, { validators, params })
  const extra = accounts.filter((a) => !inputs.checkedIn.includes(a) && !validators.includes(a))
  const dist = computeDayDistribution({ ...inputs, checkedIn: [...inputs.checkedIn, ...extra] }, params)
  const out = new Map<string, bigint>()
  for (const r of dist.rewards) if (accounts.includes(r.account as Address)) out.set(r.account, r.total)
  return out
}

export interface ViewInput {
  readonly state: LedgerState
  readonly config: GenesisConfig
  readonly nowMs: number
  readonly me: Address | undefined
  readonly node: Address
  readonly estimate: bigint | undefined
  readonly lastDay: DayUptime | undefined
  readonly txs: readonly MiningTxView[]
  readonly passkeyPending: boolean
}

export const buildMiningView = (i: ViewInput): MiningView => {
  const { state, config, me } = i
  const today = todayOf(config, state, i.nowMs)
  const acct = me ? getAccount(state, me) : undefined
  const stored = me ? (getData(state, MODULE, keys.circle(me)) as StoredCircle | undefined) : undefined
  const inForce = new Set(stored ? circleOn(stored, today) : [])
  const circle = (stored?.members ?? []).map((a) => ({
    address: a,
    activeToday: checkedIn(state, today, a),
    inForceToday: inForce.has(a),
  }))
  const invitedBy = me ? (getData(state, MODULE, keys.ambassador(me)) as string | undefined) : undefined
  const nodeAcct = getAccount(state, i.node)
  const operator = getData(state, MODULE, keys.operator(i.node)) as string | undefined
  const pools = getPools(state)
  const { circleMin, circleMax } = miningModule.readers.params(state)
  const kind = me ? checkInKind(stateData(state), today, me) : undefined
  return {
    ready: true,
    wallet: me !== undefined,
    ...(me ? { address: me, inviteCode: me } : {}),
    accountExists: acct !== undefined,
    balance: String(acct?.balance ?? 0n),
    today,
    networkId: config.networkId,
    ledgerSeq: state.header.seq,
    ledgerDay: state.header.dayIndex,
    ...(i.lastDay ? { lastDay: i.lastDay } : {}),
    checkedInToday: me !== undefined && checkedIn(state, today, me),
    ...(kind ? { presenceKind: kind } : {}),
    passkeys: me ? listLength(stateData(state), MODULE, keys.passkeysOf(me)) : 0,
    passkeyPending: i.passkeyPending,
    checkInPending: i.txs.some((t) => t.kind === 'checkIn' && t.state === 'pending'),
    nextDayAtMs: config.genesisTimeMs + (today + 1) * config.dayLengthMs,
    dayLengthMs: config.dayLengthMs,
    ...(i.estimate === undefined ? {} : { estimate: String(i.estimate) }),
    checkInsToday: count(state, `${keys.checkInList(today)}/#`),
    circle,
    ...(stored ? { circleFrom: stored.from } : {}),
    circleMin,
    circleMax,
    ...(invitedBy ? { invitedBy } : {}),
    history: me ? historyOf(state, me) : [],
    node: {
      address: i.node,
      validator: validatorSetAt(state).includes(i.node),
      ...(operator ? { operator } : {}),
      accountExists: nodeAcct !== undefined,
      balance: String(nodeAcct?.balance ?? 0n),
      history: historyOf(state, i.node),
    },
    feePool: String(pools.feePool),
    phase1Remaining: String(pools.unissued[PHASE1_POOL_NAME] ?? 0n),
    txs: i.txs,
  }
}
