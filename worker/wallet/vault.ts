// The key vault: the account secret (and, until the user confirms the backup, the recovery
// phrase) sealed with AES-GCM under a non-extractable CryptoKey. That CryptoKey is itself kept in
// the same key-value store (IndexedDB can hold CryptoKeys), so the raw secret never rests
// anywhere unencrypted and script can never read the wrapping key's bytes. Never localStorage.
import type { Address } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import type { PublicKey, Signer } from '../../shared/crypto/signer.ts'
import { fromUtf8, utf8 } from '../../shared/util/bytes.ts'
import { fail } from '../../shared/util/errors.ts'

/** The storage port: IndexedDB in the browser (idb-kv.ts), a Map in tests. Values are structured-cloned. */
export interface WalletKv {
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
}

interface Sealed {
  readonly iv: Uint8Array
  readonly data: Uint8Array
}

interface AccountRecord {
  readonly v: 1
  readonly address: Address
  readonly publicKey: PublicKey
  readonly secret: Sealed
  /** Present until the backup is confirmed; then deleted. */
  readonly phrase?: Sealed
  readonly confirmPositions: readonly number[]
}

export interface AccountInfo {
  readonly address: Address
  readonly publicKey: PublicKey
  readonly backedUp: boolean
  readonly confirmPositions: readonly number[]
}

const WRAP_KEY = 'wrap-key'
const ACCOUNT = 'account'
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)

export interface Vault {
  load(): Promise<AccountInfo | undefined>
  /** Replaces the stored account. `phrase` is kept (sealed) only until `confirmBackup`. */
  save(a: {
    address: Address
    publicKey: PublicKey
    secret: Uint8Array
    phrase?: readonly string[]
    confirmPositions: readonly number[]
  }): Promise<AccountInfo>
  /** Decrypts the secret for one signing job, then wipes the plaintext. */
  withSigner<T>(job: (signer: Signer) => Promise<T>): Promise<T>
  /** True and the phrase forgotten when every asked position holds the right word. */
  confirmBackup(answers: Readonly<Record<number, string>>): Promise<boolean>
}

export const createVault = (kv: WalletKv, subtle: SubtleCrypto, random: (n: number) => Uint8Array): Vault => {
  let cached: AccountRecord | undefined

  const wrapKey = async (): Promise<CryptoKey> => {
    const existing = (await kv.get(WRAP_KEY)) as CryptoKey | undefined
    if (existing) return existing
    const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    await kv.put(WRAP_KEY, key)
    return key
  }

  const seal = async (plain: Uint8Array, address: Address): Promise<Sealed> => {
    const iv = random(12)
    const params = { name: 'AES-GCM', iv: buf(iv), additionalData: utf8(address) }
    const data = new Uint8Array(await subtle.encrypt(params, await wrapKey(), buf(plain)))
    return { iv, data }
  }

  const open = async (s: Sealed, address: Address): Promise<Uint8Array> => {
    const params = { name: 'AES-GCM', iv: buf(s.iv), additionalData: utf8(address) }
    try {
      return new Uint8Array(await subtle.decrypt(params, await wrapKey(), buf(s.data)))
    } catch {
      return fail('vault_corrupt')
    }
  }

  const record = async (): Promise<AccountRecord | undefined> => {
    cached ??= (await kv.get(ACCOUNT)) as AccountRecord | undefined
    return cached
  }

  const info = (r: AccountRecord): AccountInfo => ({
    address: r.address,
    publicKey: r.publicKey,
    backedUp: r.phrase === undefined,
    confirmPositions: r.confirmPositions,
  })

  const put = async (r: AccountRecord) => {
    await kv.put(ACCOUNT, r)
    cached = r
  }

  return {
    async load() {
      const r = await record()
      return r && info(r)
    },
    async save(a) {
      const base = {
        v: 1 as const,
        address: a.address,
        publicKey: a.publicKey,
        secret: await seal(a.secret, a.address),
        confirmPositions: a.confirmPositions,
      }
      const r: AccountRecord = a.phrase
        ? { ...base, phrase: await seal(utf8(a.phrase.join(' ')), a.address) }
        : base
      await put(r)
      return info(r)
    },
    async withSigner(job) {
      const r = await record()
      if (!r) return fail('no_wallet')
      const secret = await open(r.secret, r.address)
      try {
        return await job(nobleSigner(secret))
      } finally {
        secret.fill(0)
      }
    },
    async confirmBackup(answers) {
      const r = await record()
      if (!r) return fail('no_wallet')
      if (!r.phrase) return true
      const words = fromUtf8(await open(r.phrase, r.address)).split(' ')
      const right = r.confirmPositions.every((p) => (answers[p] ?? '').trim().toLowerCase() === words[p - 1])
      if (!right) return false
      const { phrase: _forgotten, ...rest } = r
      await put(rest)
      return true
    },
  }
}
