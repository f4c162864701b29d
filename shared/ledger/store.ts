// The ledger storage port: commits one closed ledger atomically (header, tx set, results and the
// changed entries) and loads the last closed ledger back. Implementations: memory-store.ts (Node
// tests, simulator) and worker/ledger/idb-store.ts (IndexedDB); store-acceptance.ts tests both.
import { decode, encode } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { applyChanges, type ClosedLedger, type TxResult } from './apply.ts'
import type { EntryChange } from './draft.ts'
import { headerCid, type LedgerHeader, parseHeader } from './header.ts'
import type { LedgerState } from './state.ts'
import { nodeHash } from './trie.ts'
import type { CheckedTxSet, TxSet } from './tx-set.ts'
import { parseUpgrades, type Upgrade } from './upgrade.ts'
import { bytesEqual } from '../util/bytes.ts'

export interface LedgerRecord {
  readonly header: LedgerHeader
  readonly txSet: TxSet
  readonly results: readonly TxResult[]
  /** Entries changed by this ledger (all entries for genesis); undefined value = deleted. */
  readonly changes: readonly EntryChange[]
  /**
   * The agreed facts besides the tx set and close time (CloseInfo): the EXTERNALIZE signers the
   * value names (the mining step credits them) and the upgrades. Kept so a replay can recompute
   * the state.
   */
  readonly signers?: readonly string[]
  readonly upgrades?: readonly Upgrade[]
}

/** The record of a closed ledger, with the agreed facts it was applied with. */
export const ledgerRecordOf = (closed: ClosedLedger, set: CheckedTxSet): LedgerRecord => ({
  header: closed.header,
  txSet: set.set,
  results: closed.results,
  changes: closed.changes,
  signers: closed.info.signers,
  upgrades: closed.info.upgrades,
})

/** What a store keeps per retained ledger: enough, with its header, to replay it. */
export interface StoredLedger {
  readonly txSet: TxSet
  readonly results: TxResult[]
  readonly signers: readonly string[]
  readonly upgrades: readonly Upgrade[]
}

export interface LoadedLedger {
  readonly header: LedgerHeader
  /** Every live entry of the state. */
  readonly entries: readonly EntryChange[]
}

export interface LedgerStore {
  /**
   * Commits one ledger, all or nothing. Its seq must follow the last committed one (any seq on an
   * empty store). Rejects with WattFailure `out_of_order`, or `store_failed` with nothing written.
   */
  commit(l: LedgerRecord): Promise<void>
  loadLast(): Promise<LoadedLedger | undefined>
  header(seq: number): Promise<LedgerHeader | undefined>
  /** Up to `limit` most recent headers, newest first. */
  recentHeaders(limit: number): Promise<LedgerHeader[]>
  /** A retained ledger's tx set, results and close signers. */
  ledger(seq: number): Promise<StoredLedger | undefined>
  close(): Promise<void>
}

/** How many closed ledgers' headers, tx sets and results a store keeps (state is always whole). */
export const DEFAULT_RETAIN_LEDGERS = 100_000

/** Encoded forms, computed before a store writes anything, so a bad value fails before any write. */
export interface EncodedRecord {
  readonly seq: number
  readonly header: Uint8Array
  readonly ledger: Uint8Array
  readonly entries: readonly { readonly key: string; readonly value: Uint8Array | undefined }[]
}

export const encodeRecord = (l: LedgerRecord): EncodedRecord => ({
  seq: l.header.seq,
  header: encode(l.header),
  ledger: encode({
    txSet: l.txSet,
    results: l.results,
    signers: l.signers ?? [],
    upgrades: l.upgrades ?? [],
  }),
  entries: l.changes.map((c) => ({ key: c.key, value: c.value === undefined ? undefined : encode(c.value) })),
})

export const decodeHeaderBytes = (b: Uint8Array): LedgerHeader => {
  const d = decode(b)
  const h = d.ok ? parseHeader(d.value) : d
  if (!h.ok) throw new TypeError(`corrupt stored header: ${h.error.code}`)
  return h.value
}

export const decodeLedgerBytes = (b: Uint8Array): StoredLedger => {
  const d = decode<{ txSet: TxSet; results: TxResult[]; signers?: string[]; upgrades?: unknown }>(b)
  if (!d.ok) throw new TypeError('corrupt stored ledger')
  // records written before signers (or upgrades) were kept have none
  const upgrades = parseUpgrades(d.value.upgrades ?? [])
  if (!upgrades.ok) throw new TypeError('corrupt stored ledger upgrades')
  return { ...d.value, signers: d.value.signers ?? [], upgrades: upgrades.value }
}

export const decodeEntryBytes = (key: string, b: Uint8Array): EntryChange => {
  const d = decode(b)
  if (!d.ok) throw new TypeError(`corrupt stored entry ${key}`)
  return { key, value: d.value }
}

/** Rebuilds the state of a loaded ledger and checks it against the header's state root. */
export const stateFromLoaded = (l: LoadedLedger): Result<LedgerState, WattError<'corrupt_store'>> => {
  const tree = applyChanges(null, l.entries)
  if (!bytesEqual(nodeHash(tree), l.header.stateRoot))
    return err(wattError('corrupt_store', { seq: l.header.seq }))
  return ok({ tree, header: l.header, headerCid: headerCid(l.header) })
}
