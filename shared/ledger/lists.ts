// Module data helpers: counters and append-only lists in a module's data (docs/modules.md). The
// ledger draft has no key scans, so a module that must visit "everyone who did X" keeps a list:
// a count under '<list>/#' and the items under '<list>/#<i>', O(1) per append. Readers take a
// draft or a closed state (stateData), so services and views use the same functions. Also a
// per-ledger budget (`takeLedgerBudget`): how many costly operations one ledger applies.
import type { LedgerDraft } from './draft.ts'
import { getData, type LedgerState } from './state.ts'

/** What reading module data needs: a draft, or a state through stateData. */
export type DataReader = Pick<LedgerDraft, 'getData'>

export const stateData = (s: LedgerState): DataReader => ({ getData: (m, k) => getData(s, m, k) })

/** A stored count (0 when absent); DAG-CBOR may give back a bigint. */
export const dataNumber = (d: DataReader, module: string, key: string): number => {
  const v = d.getData(module, key)
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0
}

export const listLength = (d: DataReader, module: string, list: string): number =>
  dataNumber(d, module, `${list}/#`)

export const appendToList = (d: LedgerDraft, module: string, list: string, item: string): void => {
  const n = listLength(d, module, list)
  d.putData(module, `${list}/#${n}`, item)
  d.putData(module, `${list}/#`, n + 1)
}

export const readList = <T extends string = string>(d: DataReader, module: string, list: string): T[] => {
  const n = listLength(d, module, list)
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(d.getData(module, `${list}/#${i}`) as T)
  return out
}

export const deleteList = (d: LedgerDraft, module: string, list: string): void => {
  const n = listLength(d, module, list)
  for (let i = 0; i < n; i++) d.putData(module, `${list}/#${i}`, undefined)
  d.putData(module, `${list}/#`, undefined)
}

/**
 * Counts one use of a per-ledger budget kept as `{ seq, n }` under `key` (a count that starts
 * over in every ledger); false, and nothing written, when `max` were already used this ledger.
 * The count is written in the operation's savepoint: a refused operation's use rolls back.
 */
export const takeLedgerBudget = (d: LedgerDraft, module: string, key: string, max: number): boolean => {
  const v = d.getData(module, key) as { seq: unknown; n: unknown } | undefined
  const n = v !== undefined && Number(v.seq) === d.seq ? Number(v.n) : 0
  if (n >= max) return false
  d.putData(module, key, { seq: d.seq, n: n + 1 })
  return true
}
