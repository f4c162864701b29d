// Mining signs with the user's account key, which the wallet owns. The wallet service exports no
// signing call, so this reads the wallet's key store through the wallet's own exports (its vault
// helpers) without changing it: a fresh vault per use, so a wallet created or restored meanwhile
// is seen at once. Sequence numbers come from the ledger service (`nextSeq`), which sees the
// wallet's pending payments in the mempool.
import type { Signer } from '../../shared/crypto/signer.ts'
import { type AccountInfo, createVault, type WalletKv } from '../wallet/vault.ts'

export interface AccountKey {
  /** The wallet's account, if it has one. */
  load(): Promise<AccountInfo | undefined>
  /** Runs one signing job with the account's signer (the secret is wiped afterwards). */
  withSigner<T>(job: (signer: Signer) => Promise<T>): Promise<T>
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
  }
}
