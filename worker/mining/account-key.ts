// Mining signs with the user's account key, which the wallet owns. The wallet service exports no
// signing call, so this reads the wallet's key store through the wallet's own exports (its vault
// and history helpers) without changing it: a fresh vault per use, so a wallet created or
// restored meanwhile is seen at once. It also reads the wallet's pending payments so that a
// mining transaction does not take a sequence number a payment already holds.
import type { Signer } from '../../shared/crypto/signer.ts'
import { type HistoryItem, pendingOut } from '../wallet/history.ts'
import { type AccountInfo, createVault, type WalletKv } from '../wallet/vault.ts'

/** The key under which wallet-service.ts keeps its history. */
const WALLET_HISTORY_KEY = 'history'

export interface AccountKey {
  /** The wallet's account, if it has one. */
  load(): Promise<AccountInfo | undefined>
  /** Runs one signing job with the account's signer (the secret is wiped afterwards). */
  withSigner<T>(job: (signer: Signer) => Promise<T>): Promise<T>
  /** The highest sequence number the wallet's own pending payments hold (0 if none). */
  walletPendingSeq(): Promise<bigint>
}

export const walletAccountKey = (
  kv: () => Promise<WalletKv>,
  subtle: SubtleCrypto,
  random: (n: number) => Uint8Array,
): AccountKey => {
  let kvP: Promise<WalletKv> | undefined
  const store = () => {
    kvP ??= kv()
    return kvP
  }
  const vault = async () => createVault(await store(), subtle, random)
  return {
    load: async () => (await vault()).load(),
    withSigner: async (job) => (await vault()).withSigner(job),
    async walletPendingSeq() {
      const items = ((await (await store()).get(WALLET_HISTORY_KEY)) as HistoryItem[] | undefined) ?? []
      let max = 0n
      for (const i of pendingOut(items)) if (i.seq > max) max = i.seq
      return max
    },
  }
}
