// The storage service's factory for the node core: IndexedDB records, hash-wasm SHA-256, Web
// Locks to notice proof workers that are gone, WebCrypto randomness for local fallbacks.
import { loadSha256 } from '../../shared/storage/hash.ts'
import type { ServiceFactory } from '../core/service.ts'
import { openStorageDb } from './storage-db.ts'
import { createStorageService } from './storage-service.ts'

export const storageService: ServiceFactory = (c) =>
  createStorageService(c, {
    db: () => openStorageDb(),
    hash: loadSha256,
    watchLock: (name) => navigator.locks.request(name, () => undefined),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  })
