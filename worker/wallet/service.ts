// The wallet's service factory for the node core: browser components (IndexedDB, WebCrypto).
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import { openWalletKv } from './idb-kv.ts'
import type { WalletEvents, WalletMethods } from './wallet-api.ts'
import { createWalletService } from './wallet-service.ts'

export const walletService = (c: ServiceComponents<{ ledger: LedgerNodeApi }, WalletMethods, WalletEvents>) =>
  createWalletService(c, {
    kv: openWalletKv,
    subtle: crypto.subtle,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  })
