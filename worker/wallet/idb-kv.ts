// The wallet's key-value store in IndexedDB (database `watt-wallet`, one object store). Holds the
// non-extractable wrapping CryptoKey, the sealed account and the bounded history.
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
  }
}
