// The wallet's service factory for the node core: browser components (IndexedDB, WebCrypto).
import type { ServiceFactory } from '../core/service.ts'
import { openWalletKv } from './idb-kv.ts'
import { createWalletService } from './wallet-service.ts'

export const walletService: ServiceFactory = (c) =>
  createWalletService(c, {
    kv: openWalletKv,
    subtle: crypto.subtle,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  })
