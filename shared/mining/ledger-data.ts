// Mining's module data in the ledger (module 'mining', committed in stateRoot). The ledger draft
// has no key scans, so the day's check-ins, the circle owners and the invitees are kept as the
// ledger's append-only module lists (shared/ledger/lists.ts), O(1) per operation.
import type { Address } from '../crypto/address.ts'
import { asUnits } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { type DataReader, dataNumber } from '../ledger/lists.ts'

export const MODULE = 'mining'
/** Reward history entries kept per account (the oldest is dropped first). */
export const HISTORY_DAYS = 30

export const keys = {
  checkedIn: (day: number, a: Address) => `ci/${day}/${a}`,
  checkInList: (day: number) => `ci/${day}`,
  circle: (a: Address) => `circle/${a}`,
  circleOwners: 'circles',
  ambassador: (a: Address) => `amb/${a}`,
  invitees: 'invitees',
  ledgers: (day: number) => `ledgers/${day}`,
  signed: (day: number, a: Address) => `signed/${day}/${a}`,
  signerList: (day: number) => `signed/${day}`,
  dayTotals: (day: number) => `day/${day}`,
  history: (a: Address) => `rewards/${a}`,
  /** A passkey by sha256(credential id) hex: its account and compressed public key. */
  passkey: (credHash: string) => `pk/cred/${credHash}`,
  /** The account a public key serves, by sha256(compressed key) hex. */
  passkeyKey: (keyHash: string) => `pk/key/${keyHash}`,
  /** The list of an account's passkeys (credential hashes). */
  passkeysOf: (a: Address) => `pk/of/${a}`,
  /** node key -> its operator's account (node-link.ts) */
  operator: (node: Address) => `operator/${node}`,
}

/** How a check-in proved presence; the day's check-in entry stores it. */
export type PresenceKind = 'passkey' | 'hold'

export interface StoredPasskey {
  readonly account: Address
  readonly publicKey: Uint8Array
}

/** A circle as stored: `members` applies from day `from`; before that, `prev` did. */
export interface StoredCircle {
  readonly members: Address[]
  readonly prev: Address[]
  readonly from: number
}

export interface RewardHistoryEntry {
  readonly day: number
  readonly total: bigint
  readonly base: bigint
  readonly circle: bigint
  readonly referral: bigint
  readonly node: bigint
  readonly fee: bigint
}

export interface DayTotals {
  readonly day: number
  readonly emission: bigint
  readonly feePool: bigint
  readonly distributed: bigint
  readonly remainder: bigint
  readonly accounts: number
  readonly ledgers: number
}

export const getNumber = (d: DataReader, key: string): number => dataNumber(d, MODULE, key)

/** The presence kind of `a`'s check-in on `day`, if it checked in. */
export const checkInKind = (d: DataReader, day: number, a: Address): PresenceKind | undefined => {
  const v = d.getData(MODULE, keys.checkedIn(day, a))
  return v === undefined ? undefined : v === 'passkey' ? 'passkey' : 'hold'
}

export const getCircle = (d: DataReader, a: Address): StoredCircle | undefined =>
  d.getData(MODULE, keys.circle(a)) as StoredCircle | undefined

/** The circle in force on `day`. */
export const circleOn = (c: StoredCircle, day: number): Address[] => (day >= c.from ? c.members : c.prev)

const units = (x: unknown): bigint => asUnits(x) ?? 0n

/** Reads an account's reward history (oldest first), normalizing DAG-CBOR integers. */
export const getRewardHistory = (d: DataReader, a: Address): RewardHistoryEntry[] => {
  const raw = (d.getData(MODULE, keys.history(a)) ?? []) as Record<string, unknown>[]
  return raw.map((e) => ({
    day: Number(e.day),
    total: units(e.total),
    base: units(e.base),
    circle: units(e.circle),
    referral: units(e.referral),
    node: units(e.node),
    fee: units(e.fee),
  }))
}

export const pushRewardHistory = (d: LedgerDraft, a: Address, e: RewardHistoryEntry): void => {
  const list = [...getRewardHistory(d, a), e].slice(-HISTORY_DAYS)
  d.putData(MODULE, keys.history(a), list)
}
