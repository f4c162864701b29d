// A ledger draft: the mutable view operations and close steps write to while a ledger is applied.
// Writes go to an overlay over the persistent trie; a transaction's operations run in a savepoint
// that is committed or rolled back as a whole. At the end the overlay becomes the list of changes.
import type { Address } from '../crypto/address.ts'
import type { GenesisConfig } from './config.ts'
import { type BadValidatorSet, checkValidatorSet, readValidatorSet, VALIDATORS_KEY } from './validators.ts'
import {
  type AccountEntry,
  accountKey,
  dataKey,
  type Pools,
  POOLS_KEY,
  readAccount,
  readPools,
} from './state.ts'
import { keyHashOf, type TrieNode, trieGet } from './trie.ts'

export interface LedgerDraft {
  readonly seq: number
  readonly closeTimeMs: number
  readonly dayIndex: number
  readonly config: GenesisConfig
  /** The previous header's CID bytes: ledger randomness that modules may draw on (market tickets). */
  readonly prevHeader: Uint8Array
  getAccount(a: Address): AccountEntry | undefined
  putAccount(a: Address, e: AccountEntry): void
  /** Module data; values must be DAG-CBOR encodable (no undefined inside). */
  getData(module: string, key: string): unknown
  /** Stores module data, or deletes it when value is undefined. */
  putData(module: string, key: string, value: unknown): void
  getPools(): Pools
  putPools(p: Pools): void
  /** The validator set as this draft has it (written this ledger or not). */
  getValidatorSet(): readonly Address[]
  /** Replaces the validator set from the next ledger on; refuses a malformed set, changing nothing. */
  putValidatorSet(set: readonly Address[]): BadValidatorSet | undefined
}

export interface EntryChange {
  readonly key: string
  /** undefined: the entry was deleted. */
  readonly value: unknown
  /** keyHashOf(key), when the draft already computed it reading the entry (not stored). */
  readonly keyHash?: Uint8Array
}

export interface DraftControl {
  readonly draft: LedgerDraft
  begin(): void
  commit(): void
  rollback(): void
  /** The ledger's own core entries (the protocol in force), which no module may write. */
  getEntry(key: string): unknown
  putEntry(key: string, value: unknown): void
  /** Every changed entry, sorted by key. */
  changes(): EntryChange[]
}

const DELETED = Symbol('deleted')

export const openDraft = (
  tree: TrieNode | null,
  info: { seq: number; closeTimeMs: number; dayIndex: number; config: GenesisConfig; prevHeader: Uint8Array },
): DraftControl => {
  const ledger = new Map<string, unknown>()
  // trie reads, each key looked up (and hashed) once per ledger
  const base = new Map<string, { value: unknown; keyHash: Uint8Array }>()
  let tx: Map<string, unknown> | undefined
  const fromTree = (key: string): unknown => {
    let b = base.get(key)
    if (!b) {
      const keyHash = keyHashOf(key)
      b = { value: trieGet(tree, keyHash)?.value, keyHash }
      base.set(key, b)
    }
    return b.value
  }
  // the last pools value read or written, parsed: every transaction's fee goes through it
  let pools: { raw: unknown; parsed: Pools } | undefined
  // the overlays never hold undefined (a deletion is DELETED), so get() alone tells presence
  const read = (key: string): unknown => {
    let v = tx?.get(key)
    if (v === undefined) v = ledger.get(key)
    if (v === undefined) v = fromTree(key)
    return v === DELETED ? undefined : v
  }
  const write = (key: string, value: unknown) =>
    (tx ?? ledger).set(key, value === undefined ? DELETED : value)
  const draft: LedgerDraft = {
    ...info,
    getAccount: (a) => {
      const v = read(accountKey(a))
      return v === undefined ? undefined : readAccount(v)
    },
    putAccount: (a, e) => write(accountKey(a), { balance: e.balance, seq: e.seq }),
    getData: (m, k) => read(dataKey(m, k)),
    putData: (m, k, v) => write(dataKey(m, k), v),
    getPools: () => {
      const raw = read(POOLS_KEY)
      if (pools === undefined || pools.raw !== raw) pools = { raw, parsed: readPools(raw) }
      return pools.parsed
    },
    putPools: (p) => {
      const raw = { feePool: p.feePool, unissued: { ...p.unissued } }
      write(POOLS_KEY, raw)
      pools = { raw, parsed: raw }
    },
    getValidatorSet: () => readValidatorSet(read(VALIDATORS_KEY)),
    putValidatorSet: (set) => {
      const checked = checkValidatorSet(set)
      if (!checked.ok) return checked.error
      write(VALIDATORS_KEY, [...checked.value])
      return undefined
    },
  }
  return {
    draft,
    begin: () => {
      if (tx) throw new Error('savepoint already open')
      tx = new Map()
    },
    commit: () => {
      for (const [k, v] of tx ?? []) ledger.set(k, v)
      tx = undefined
    },
    rollback: () => {
      tx = undefined
    },
    getEntry: read,
    putEntry: write,
    changes: () =>
      [...ledger.keys()].sort().map((key) => {
        const v = ledger.get(key)
        return { key, value: v === DELETED ? undefined : v, keyHash: base.get(key)?.keyHash }
      }),
  }
}
