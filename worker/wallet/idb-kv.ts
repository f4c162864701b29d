// The wallet's key-value store in IndexedDB (database `watt-wallet`, one object store). Holds the
// sealed account, the bounded history and, for an old record only, its non-extractable wrapping key.
import { type IDBPDatabase, openDB } from 'idb'
import type { WalletKv } from './vault.ts'

const DB = 'watt-wallet'
const STORE = 'kv'

export const openWalletKv = async (): Promise<WalletKv> => {
  const db: IDBPDatabase = await openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })
  return {
    get: (key) => db.get(STORE, key),
    put: async (key, value) => {
      await db.put(STORE, value, key)
    },
    delete: async (key) => {
      await db.delete(STORE, key)
    },
  }
}
