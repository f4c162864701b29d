// The mining service's factory for the node core: the wallet's IndexedDB key store and WebCrypto.
import type { ServiceFactory } from '../core/service.ts'
import { openWalletKv } from '../wallet/idb-kv.ts'
import { walletAccountKey } from './account-key.ts'
import { createMiningService } from './mining-service.ts'

export const miningService: ServiceFactory = (c) =>
  createMiningService(c, {
    key: walletAccountKey(openWalletKv, crypto.subtle, (n) => crypto.getRandomValues(new Uint8Array(n))),
  })
