// Consensus values and ballots. SCP treats a value as opaque bytes (the ledger decides what
// they mean) ordered bytewise; a ballot is a (counter, value) pair ordered counter-first.
import { compareBytes, toHex } from '../util/bytes.ts'

/** An opaque consensus value: the ledger integration encodes tx set CID, close time and upgrades. */
export type Value = Uint8Array

export interface Ballot {
  readonly counter: number
  readonly value: Value
}

/** Counter of the "infinite" ballot used by CONFIRM/EXTERNALIZE reasoning (uint32 max). */
export const INFINITE_COUNTER = 0xffffffff

export const compareValues = (a: Value, b: Value): number => (a === b ? 0 : compareBytes(a, b))

/** A string key for value sets and maps (hex of the bytes). */
export const valueKey = (v: Value): string => toHex(v)

/** Equal bytes; the same object is the fast path (slots intern the values statements carry). */
export const valuesEqual = (a: Value, b: Value): boolean => a === b || compareBytes(a, b) === 0

export const compareBallots = (a: Ballot, b: Ballot): number => {
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1
  return a.value === b.value ? 0 : compareBytes(a.value, b.value)
}

/** Compares optional ballots; an absent ballot sorts below every present one. */
export const compareOptionalBallots = (a: Ballot | null, b: Ballot | null): number => {
  if (a === null) return b === null ? 0 : -1
  if (b === null) return 1
  return compareBallots(a, b)
}

export const ballotsEqual = (a: Ballot | null, b: Ballot | null): boolean =>
  compareOptionalBallots(a, b) === 0

export const compatible = (a: Ballot, b: Ballot): boolean => valuesEqual(a.value, b.value)

/** a <= b and same value. */
export const lessAndCompatible = (a: Ballot, b: Ballot): boolean =>
  compareBallots(a, b) <= 0 && compatible(a, b)

/** a <= b and different value. */
export const lessAndIncompatible = (a: Ballot, b: Ballot): boolean =>
  compareBallots(a, b) <= 0 && !compatible(a, b)

export const ballot = (counter: number, value: Value): Ballot => ({ counter, value })

/** Sorted, duplicate-free set of values (bytewise order), as statements carry them. */
export const sortedUniqueValues = (values: Iterable<Value>): Value[] => {
  const byKey = new Map<string, Value>()
  for (const v of values) byKey.set(valueKey(v), v)
  return [...byKey.values()].sort(compareValues)
}

/** True when the array is strictly increasing (sorted with no duplicates). */
export const isStrictlySorted = (values: readonly Value[]): boolean => {
  for (let i = 1; i < values.length; i++) if (compareValues(values[i - 1]!, values[i]!) >= 0) return false
  return true
}

/** A set of values keyed by their bytes, iterated in bytewise order on demand. */
export class ValueSet {
  readonly #items = new Map<string, Value>()
  constructor(values: Iterable<Value> = []) {
    for (const v of values) this.add(v)
  }
  has(v: Value): boolean {
    return this.#items.has(valueKey(v))
  }
  /** Adds v; true when it was not there. */
  add(v: Value): boolean {
    const k = valueKey(v)
    if (this.#items.has(k)) return false
    this.#items.set(k, v)
    return true
  }
  get size(): number {
    return this.#items.size
  }
  sorted(): Value[] {
    return [...this.#items.values()].sort(compareValues)
  }
}
