// The in-memory ledger store, for Node tests and the simulator. It keeps encoded bytes, as a real
// store would, and validates and encodes a whole ledger before touching anything.
import { fail } from '../util/errors.ts'
import {
  DEFAULT_RETAIN_LEDGERS,
  decodeEntryBytes,
  decodeHeaderBytes,
  decodeLedgerBytes,
  encodeRecord,
  type LedgerStore,
} from './store.ts'

export const createMemoryLedgerStore = (retain = DEFAULT_RETAIN_LEDGERS): LedgerStore => {
  const headers = new Map<number, Uint8Array>()
  const ledgers = new Map<number, Uint8Array>()
  const entries = new Map<string, Uint8Array>()
  let last: number | undefined
  return {
    async commit(l) {
      if (last !== undefined && l.header.seq !== last + 1) fail('out_of_order', { last, got: l.header.seq })
      const rec = encodeRecord(l)
      headers.set(rec.seq, rec.header)
      ledgers.set(rec.seq, rec.ledger)
      for (const e of rec.entries) {
        if (e.value === undefined) entries.delete(e.key)
        else entries.set(e.key, e.value)
      }
      headers.delete(rec.seq - retain)
      ledgers.delete(rec.seq - retain)
      last = rec.seq
    },
    async loadLast() {
      if (last === undefined) return undefined
      return {
        header: decodeHeaderBytes(headers.get(last)!),
        entries: [...entries].map(([k, v]) => decodeEntryBytes(k, v)),
      }
    },
    async header(seq) {
      const b = headers.get(seq)
      return b && decodeHeaderBytes(b)
    },
    async recentHeaders(limit) {
      const out = []
      for (let s = last ?? 0; s > 0 && out.length < limit; s--) {
        const b = headers.get(s)
        if (!b) break
        out.push(decodeHeaderBytes(b))
      }
      return out
    },
    async ledger(seq) {
      const b = ledgers.get(seq)
      return b && decodeLedgerBytes(b)
    },
    async close() {},
  }
}
