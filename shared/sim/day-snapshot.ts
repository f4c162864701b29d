// The start of an exported day (W24): the ledger the day builds on, carried whole so that any day,
// not only a first one, can be re-applied. `header` is that ledger's header and `entries` every
// entry of its state, each as hex DAG-CBOR bytes (the form a ledger store keeps them in). A
// replayer rebuilds the trie from the entries, and accepts the start only when the rebuilt root is
// the header's stateRoot and the header's CID is `cid`: a forged or truncated snapshot fails
// one of the two. `cid` itself is anchored by the day's first ledger, whose tx set names it as
// prevHeader (a different start re-applies to a different header CID).
import { cidString, encode } from '../codec/dag-cbor.ts'
import { applyChanges } from '../ledger/apply.ts'
import { headerCid } from '../ledger/header.ts'
import type { LedgerState } from '../ledger/state.ts'
import { decodeEntryBytes, decodeHeaderBytes } from '../ledger/store.ts'
import { nodeHash, trieLeaves } from '../ledger/trie.ts'
import { fromHex, toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { Json, JsonDifference } from './json-diff.ts'

/** Most state entries one export carries (its JSON stays under MAX_DAY_EXPORT_CHARS). */
export const MAX_SNAPSHOT_ENTRIES = 1_000_000

export interface SnapshotEntry {
  readonly key: string
  /** Hex of the value's DAG-CBOR bytes. */
  readonly value: string
}

/** The day's start: the ledger it builds on, with its whole state. */
export interface DayStart {
  readonly seq: number
  readonly cid: string
  /** Hex of the header's DAG-CBOR bytes. Absent in exports made before snapshots. */
  readonly header?: string
  readonly entries?: readonly SnapshotEntry[]
}

/** The snapshot of `state` (entries in key-hash order), or `sim/state-too-large`. */
export const snapshotOf = (state: LedgerState): Result<DayStart, WattError<'sim/state-too-large'>> => {
  const entries: SnapshotEntry[] = []
  for (const leaf of trieLeaves(state.tree)) {
    if (entries.length === MAX_SNAPSHOT_ENTRIES)
      return err(wattError('sim/state-too-large', { max: MAX_SNAPSHOT_ENTRIES }))
    entries.push({ key: leaf.key, value: toHex(encode(leaf.value)) })
  }
  return ok({
    seq: state.header.seq,
    cid: cidString(state.headerCid),
    header: toHex(encode(state.header)),
    entries,
  })
}

const HEX = /^([0-9a-f]{2})*$/

/** A checked start state, or the first check that failed. */
export type StartCheck =
  | { readonly ok: true; readonly state: LedgerState }
  | { readonly ok: false; readonly difference: JsonDifference }

const differ = (path: string, expected: Json, actual: Json): StartCheck => ({
  ok: false,
  difference: { path, expected, actual },
})

const isEntry = (e: unknown): e is SnapshotEntry =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as SnapshotEntry).key === 'string' &&
  typeof (e as SnapshotEntry).value === 'string' &&
  HEX.test((e as SnapshotEntry).value)

const decodeStart = (hex: string, entries: readonly SnapshotEntry[]) => {
  try {
    const header = decodeHeaderBytes(fromHex(hex))
    return { header, entries: entries.map((e) => decodeEntryBytes(e.key, fromHex(e.value))) }
  } catch (e) {
    return e instanceof Error ? e.message : 'malformed'
  }
}

/**
 * The state a day starts from, rebuilt from its snapshot and checked against its header (state
 * root) and `cid`.
 */
export const stateFromSnapshot = (start: DayStart): StartCheck => {
  const { header: hex, entries } = start
  if (typeof hex !== 'string' || !HEX.test(hex)) return differ('$.start.header', 'header bytes (hex)', null)
  if (!Array.isArray(entries) || entries.length > MAX_SNAPSHOT_ENTRIES || !entries.every(isEntry))
    return differ('$.start.entries', 'a list of {key, value} (hex)', null)
  const decoded = decodeStart(hex, entries)
  if (typeof decoded === 'string') return differ('$.start', 'a decodable header and entries', decoded)
  const tree = applyChanges(null, decoded.entries)
  const root = toHex(nodeHash(tree))
  const expected = toHex(decoded.header.stateRoot)
  if (root !== expected) return differ('$.start.entries', expected, root)
  const headerCidOf = headerCid(decoded.header)
  if (cidString(headerCidOf) !== start.cid) return differ('$.start.header', start.cid, cidString(headerCidOf))
  if (decoded.header.seq !== start.seq) return differ('$.start.seq', decoded.header.seq, start.seq)
  return { ok: true, state: { tree, header: decoded.header, headerCid: headerCidOf } }
}
