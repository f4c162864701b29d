// The key vault: the account secret (and, until the user confirms the backup, the recovery
// phrase) sealed with AES-GCM under a wrapping key derived from the user's PIN or passkey
// (vault-locks.ts). The wrapping key lives only in this vault's memory, in the SharedWorker, from
// an unlock until `lock` or the end of the core's session; the store holds only sealed bytes and
// the lock's public parameters. Old records (`v: 1`) are sealed under a non-extractable key kept
// in the store itself (the weaker `device` lock) until their user chooses a PIN or a passkey.
import type { Address } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import type { PublicKey, Signer } from '../../shared/crypto/signer.ts'
import { fromUtf8, utf8 } from '../../shared/util/bytes.ts'
import { fail } from '../../shared/util/errors.ts'
import { type Sealed, seal, unseal } from '../crypto/aes-seal.ts'
import {
  aadFor,
  checkPin,
  type LockKind,
  lockKey,
  makeLock,
  type NewLock,
  PIN_ITERATIONS,
  type StoredLock,
  type UnlockWith,
} from './vault-locks.ts'

/** The storage port: IndexedDB in the browser (idb-kv.ts), a Map in tests. Values are structured-cloned. */
export interface WalletKv {
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
}

interface RecordBase {
  readonly address: Address
  readonly publicKey: PublicKey
  readonly secret: Sealed
  /** Present until the backup is confirmed; then deleted. */
  readonly phrase?: Sealed
  readonly confirmPositions: readonly number[]
}
/** Before PINs and passkeys: sealed under the non-extractable key at `wrap-key`. */
interface DeviceRecord extends RecordBase {
  readonly v: 1
}
interface LockedRecord extends RecordBase {
  readonly v: 2
  readonly lock: StoredLock
}
type AccountRecord = DeviceRecord | LockedRecord

export interface AccountInfo {
  readonly address: Address
  readonly publicKey: PublicKey
  readonly backedUp: boolean
  readonly confirmPositions: readonly number[]
  readonly lock: LockKind
  /** True while the secret cannot be used: a PIN or passkey wallet not unlocked in this session. */
  readonly locked: boolean
  /** For a passkey lock: what the page asks the authenticator for (no secret). */
  readonly passkey?: { readonly credentialId: Uint8Array; readonly salt: Uint8Array }
}

export interface NewAccount {
  readonly address: Address
  readonly publicKey: PublicKey
  readonly secret: Uint8Array
  readonly phrase?: readonly string[]
  readonly confirmPositions: readonly number[]
  readonly lock: NewLock
}

export interface Vault {
  load(): Promise<AccountInfo | undefined>
  /** Replaces the stored account, sealed under `lock`, and leaves it unlocked. */
  save(a: NewAccount): Promise<AccountInfo>
  /** `wrong_pin` / `wrong_passkey` / `lock_mismatch` change nothing. */
  unlock(given: UnlockWith): Promise<AccountInfo>
  /** Forgets the wrapping key: the next signature needs an unlock. */
  lock(): Promise<AccountInfo>
  /** Seals the unlocked account under a new lock (a first PIN for an old record, another passkey). */
  relock(lock: NewLock): Promise<AccountInfo>
  /** Decrypts the secret for one signing job, then wipes the plaintext. */
  withSigner<T>(job: (signer: Signer) => Promise<T>): Promise<T>
  /** True and the phrase forgotten when every asked position holds the right word. */
  confirmBackup(answers: Readonly<Record<number, string>>): Promise<boolean>
}

/** What other services (mining) sign with: the wallet's own vault, so they see its lock state. */
export type AccountKey = Pick<Vault, 'load' | 'withSigner'>

const WRAP_KEY = 'wrap-key'
const ACCOUNT = 'account'
const kindOf = (r: AccountRecord): LockKind => (r.v === 1 ? 'device' : r.lock.kind)

export const createVault = (
  kv: WalletKv,
  subtle: SubtleCrypto,
  random: (n: number) => Uint8Array,
  opts: { pinIterations?: number } = {},
): Vault => {
  let cached: AccountRecord | undefined
  let session: CryptoKey | undefined

  const record = async (): Promise<AccountRecord> => {
    cached ??= (await kv.get(ACCOUNT)) as AccountRecord | undefined
    return cached ?? fail('no_wallet')
  }

  const keyOf = async (r: AccountRecord): Promise<CryptoKey> => {
    if (r.v === 2) return session ?? fail('wallet_locked')
    const device = await kv.get(WRAP_KEY)
    return device instanceof CryptoKey ? device : fail('vault_corrupt')
  }

  const open = async (r: AccountRecord, key: CryptoKey, s: Sealed): Promise<Uint8Array> =>
    (await unseal(subtle, key, s, aadFor(r.address, kindOf(r)))) ?? fail('vault_corrupt')

  const info = (r: AccountRecord): AccountInfo => ({
    address: r.address,
    publicKey: r.publicKey,
    backedUp: r.phrase === undefined,
    confirmPositions: r.confirmPositions,
    lock: kindOf(r),
    locked: r.v === 2 && session === undefined,
    ...(r.v === 2 && r.lock.kind === 'passkey'
      ? { passkey: { credentialId: r.lock.credentialId, salt: r.lock.salt } }
      : {}),
  })

  const put = async (r: AccountRecord) => {
    await kv.put(ACCOUNT, r)
    cached = r
  }

  /** Seals under a new lock and stores; the old record's device key, if any, goes afterwards. */
  const sealAndStore = async (
    a: Omit<NewAccount, 'phrase' | 'secret'>,
    secret: Uint8Array,
    phrase: Uint8Array | undefined,
  ): Promise<AccountInfo> => {
    const { stored, key } = await makeLock(subtle, random, a.lock, opts.pinIterations ?? PIN_ITERATIONS)
    const aad = aadFor(a.address, stored.kind)
    const sealedPhrase = phrase && (await seal(subtle, key, phrase, aad, random))
    const r: LockedRecord = {
      v: 2,
      address: a.address,
      publicKey: a.publicKey,
      lock: stored,
      secret: await seal(subtle, key, secret, aad, random),
      ...(sealedPhrase ? { phrase: sealedPhrase } : {}),
      confirmPositions: a.confirmPositions,
    }
    await put(r)
    session = key
    await kv.delete(WRAP_KEY)
    return info(r)
  }

  return {
    async load() {
      const r = cached ?? ((await kv.get(ACCOUNT)) as AccountRecord | undefined)
      cached = r
      return r && info(r)
    },
    async save(a) {
      const phrase = a.phrase && utf8(a.phrase.join(' '))
      try {
        return await sealAndStore(a, a.secret, phrase)
      } finally {
        phrase?.fill(0)
      }
    },
    async unlock(given) {
      const r = await record()
      if (r.v === 1) return info(r)
      if ('pin' in given) checkPin(given.pin)
      const key = await lockKey(subtle, r.lock, given)
      const plain = await unseal(subtle, key, r.secret, aadFor(r.address, r.lock.kind))
      if (!plain) return fail(r.lock.kind === 'pin' ? 'wrong_pin' : 'wrong_passkey')
      plain.fill(0)
      session = key
      return info(r)
    },
    async lock() {
      session = undefined
      return info(await record())
    },
    async relock(lock) {
      const r = await record()
      const key = await keyOf(r)
      const secret = await open(r, key, r.secret)
      const phrase = r.phrase && (await open(r, key, r.phrase))
      try {
        return await sealAndStore({ ...r, lock }, secret, phrase)
      } finally {
        secret.fill(0)
        phrase?.fill(0)
      }
    },
    async withSigner(job) {
      const r = await record()
      const secret = await open(r, await keyOf(r), r.secret)
      try {
        return await job(nobleSigner(secret))
      } finally {
        secret.fill(0)
      }
    },
    async confirmBackup(answers) {
      const r = await record()
      if (!r.phrase) return true
      const words = fromUtf8(await open(r, await keyOf(r), r.phrase)).split(' ')
      const right = r.confirmPositions.every((p) => (answers[p] ?? '').trim().toLowerCase() === words[p - 1])
      if (!right) return false
      const { phrase: _forgotten, ...rest } = r
      await put(rest)
      return true
    },
  }
}
