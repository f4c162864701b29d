// The ledger state: a persistent Merkle trie of entries plus the last closed header. Entry keys:
// 'a/<address>' for accounts, 'core/pools' for the fee pool and unissued pools, 'core/protocol'
// for the protocol version and module parameters in force (protocol-state.ts), 'core/validators'
// for the validator set (validators.ts), and 'd/<module>/<key>' for module data (mining circles,
// check-ins...), all committed in stateRoot.
import type { CID } from '../codec/dag-cbor.ts'
import type { Address } from '../crypto/address.ts'
import { type Amount, asUnits, MAX_AMOUNT } from './amount.ts'
import type { LedgerHeader } from './header.ts'
import { keyHashOf, trieGet, trieLeaves, type TrieNode } from './trie.ts'

export interface LedgerState {
  readonly tree: TrieNode | null
  readonly header: LedgerHeader
  readonly headerCid: CID
}

export interface AccountEntry {
  readonly balance: Amount
  readonly seq: bigint
}

export interface Pools {
  /** Collected fees; no key can spend it, only close steps move it. */
  readonly feePool: Amount
  /** Coins not issued yet, by pool name. */
  readonly unissued: Readonly<Record<string, Amount>>
}

export const ACCOUNT_PREFIX = 'a/'
export const DATA_PREFIX = 'd/'
export const POOLS_KEY = 'core/pools'
export const MAX_MODULE_KEY = 200

export const accountKey = (a: Address): string => ACCOUNT_PREFIX + a
export const dataKey = (module: string, key: string): string => {
  if (!/^[a-z][a-z0-9-]*$/.test(module) || key.length > MAX_MODULE_KEY) {
    throw new RangeError(`bad module data key ${module}/${key.slice(0, 40)}`)
  }
  return `${DATA_PREFIX}${module}/${key}`
}

/** Normalizes a stored account value (DAG-CBOR gives small integers as numbers). */
export const readAccount = (v: unknown): AccountEntry => {
  const o = v as { balance: unknown; seq: unknown }
  // already normal (written by a draft this ledger): entries are never mutated, share it
  const inRange = (x: unknown) => typeof x === 'bigint' && x >= 0n && x <= MAX_AMOUNT
  if (inRange(o.balance) && inRange(o.seq)) return o as AccountEntry
  const balance = asUnits(o.balance)
  const seq = asUnits(o.seq)
  if (balance === undefined || seq === undefined) throw new TypeError('corrupt account entry')
  return { balance, seq }
}

export const readPools = (v: unknown): Pools => {
  const o = v as { feePool: unknown; unissued: Record<string, unknown> }
  const unissued: Record<string, Amount> = {}
  for (const [k, x] of Object.entries(o.unissued)) unissued[k] = asUnits(x)!
  return { feePool: asUnits(o.feePool)!, unissued }
}

export const lookup = (tree: TrieNode | null, key: string): unknown => trieGet(tree, keyHashOf(key))?.value

export const getAccount = (s: LedgerState, a: Address): AccountEntry | undefined => {
  const v = lookup(s.tree, accountKey(a))
  return v === undefined ? undefined : readAccount(v)
}

export const getPools = (s: LedgerState): Pools => readPools(lookup(s.tree, POOLS_KEY))

export const getData = (s: LedgerState, module: string, key: string): unknown =>
  lookup(s.tree, dataKey(module, key))

/** Every account, in key-hash order (a full scan: for audits, tests and snapshots). */
export function* allAccounts(s: LedgerState): Generator<[Address, AccountEntry]> {
  for (const leaf of trieLeaves(s.tree)) {
    if (leaf.key.startsWith(ACCOUNT_PREFIX)) {
      yield [leaf.key.slice(ACCOUNT_PREFIX.length) as Address, readAccount(leaf.value)]
    }
  }
}

/** A module's held balance entry: exactly `d/<module>/$held` (money.ts writes it). */
const isHeldKey = (key: string): boolean => {
  const parts = key.split('/')
  return parts.length === 3 && parts[0] === 'd' && parts[2] === '$held'
}

/**
 * Balances + fee pool + unissued pools + modules' held balances (escrow, collateral): equals the
 * supply cap in every valid state.
 */
export const totalSupply = (s: LedgerState): bigint => {
  const pools = getPools(s)
  let total = pools.feePool as bigint
  for (const v of Object.values(pools.unissued)) total += v
  for (const leaf of trieLeaves(s.tree)) {
    if (leaf.key.startsWith(ACCOUNT_PREFIX)) total += readAccount(leaf.value).balance
    else if (isHeldKey(leaf.key)) total += asUnits(leaf.value) ?? 0n
  }
  return total
}
