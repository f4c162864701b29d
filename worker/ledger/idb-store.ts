// The durable ledger store: IndexedDB through `idb`. One readwrite transaction per closed ledger
// covers the header, tx set, results, every changed entry, pruning and the `last` pointer, so a
// crash or a closed tab at any moment leaves either the previous or the new closed ledger, never a
// mix. Everything is encoded before the transaction opens: a bad value fails before any write.
import { type IDBPDatabase, openDB } from 'idb'
import { fail, toWattError, WattFailure, wattError } from '../../shared/util/errors.ts'
import {
  DEFAULT_RETAIN_LEDGERS,
  decodeEntryBytes,
  decodeHeaderBytes,
  decodeLedgerBytes,
  encodeRecord,
  type LedgerStore,
} from '../../shared/ledger/store.ts'
import type { LedgerHeader } from '../../shared/ledger/header.ts'

const VERSION = 1
const STORES = ['headers', 'ledgers', 'entries', 'meta'] as const
const LAST = 'last'

/** Stores a view's bytes only (structured clone would copy a view's whole underlying buffer). */
const own = (b: Uint8Array): Uint8Array =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice()

export const ledgerDbName = (networkId: string): string => `watt-ledger-${networkId}`

export const openIdbLedgerStore = async (
  dbName: string,
  retain = DEFAULT_RETAIN_LEDGERS,
): Promise<LedgerStore> => {
  const db: IDBPDatabase = await openDB(dbName, VERSION, {
    upgrade(d) {
      for (const s of STORES) if (!d.objectStoreNames.contains(s)) d.createObjectStore(s)
    },
  })
  return {
    async commit(l) {
      const rec = encodeRecord(l)
      const tx = db.transaction([...STORES], 'readwrite')
      tx.done.catch(() => {})
      try {
        const last = (await tx.objectStore('meta').get(LAST)) as number | undefined
        if (last !== undefined && rec.seq !== last + 1) fail('out_of_order', { last, got: rec.seq })
        const writes: Promise<unknown>[] = [
          tx.objectStore('headers').put(own(rec.header), rec.seq),
          tx.objectStore('ledgers').put(own(rec.ledger), rec.seq),
        ]
        const entries = tx.objectStore('entries')
        for (const e of rec.entries) {
          writes.push(e.value === undefined ? entries.delete(e.key) : entries.put(own(e.value), e.key))
        }
        if (rec.seq > retain) {
          writes.push(tx.objectStore('headers').delete(rec.seq - retain))
          writes.push(tx.objectStore('ledgers').delete(rec.seq - retain))
        }
        writes.push(tx.objectStore('meta').put(rec.seq, LAST))
        await Promise.all(writes)
        await tx.done
      } catch (e) {
        try {
          tx.abort()
        } catch {
          // already finished or aborted
        }
        if (e instanceof WattFailure) throw e
        throw new WattFailure(wattError('store_failed', { cause: toWattError(e) }))
      }
    },
    async loadLast() {
      const tx = db.transaction(['meta', 'headers', 'entries'], 'readonly')
      const last = (await tx.objectStore('meta').get(LAST)) as number | undefined
      if (last === undefined) return undefined
      const entries = tx.objectStore('entries')
      const [header, keys, values] = await Promise.all([
        tx.objectStore('headers').get(last) as Promise<Uint8Array>,
        entries.getAllKeys() as Promise<string[]>,
        entries.getAll() as Promise<Uint8Array[]>,
      ])
      return {
        header: decodeHeaderBytes(header),
        entries: keys.map((k, i) => decodeEntryBytes(k, values[i]!)),
      }
    },
    async header(seq) {
      const b = (await db.get('headers', seq)) as Uint8Array | undefined
      return b && decodeHeaderBytes(b)
    },
    async recentHeaders(limit) {
      const out: LedgerHeader[] = []
      const tx = db.transaction('headers', 'readonly')
      let cursor = await tx.store.openCursor(null, 'prev')
      while (cursor && out.length < limit) {
        out.push(decodeHeaderBytes(cursor.value as Uint8Array))
        cursor = await cursor.continue()
      }
      return out
    },
    async ledger(seq) {
      const b = (await db.get('ledgers', seq)) as Uint8Array | undefined
      return b && decodeLedgerBytes(b)
    },
    async close() {
      db.close()
    },
  }
}
