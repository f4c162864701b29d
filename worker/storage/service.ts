// The storage service's factory for the node core: IndexedDB records, hash-wasm SHA-256, Web
// Locks to notice proof workers that are gone, WebCrypto randomness for local fallbacks. Proof
// seeds and window challenges come from the ledger service's closed ledgers.
import { loadSha256 } from '../../shared/storage/hash.ts'
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageEvents, StorageMethods } from './storage-api.ts'
import { openStorageDb } from './storage-db.ts'
import { createStorageService } from './storage-service.ts'

export const storageService = (
  c: ServiceComponents<{ ledger: LedgerNodeApi }, StorageMethods, StorageEvents>,
) =>
  createStorageService(c, {
    db: () => openStorageDb(),
    hash: loadSha256,
    watchLock: (name) => navigator.locks.request(name, () => undefined),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  })
