// Whether this node serves as a retrieval miner (issue 15, item 4), with what budget of cache space
// and at what price, and what serving has earned. Off by default: a node serves its own files and
// its deals whatever this says, and its cache of fetched files only when serving is on. Kept in the
// storage service's meta store (IndexedDB in the browser), amounts as decimal text, so a reload
// keeps them. A provider may price unsealing separately: it is added for a deal's data it serves
// from a sealed sector. The payment layer reads `priceOf` for its ask and calls `recordEarned` when a
// voucher pays.
import { fail } from '../../shared/util/errors.ts'

export interface ServeSettings {
  readonly enabled: boolean
  /** The most bytes the cache of fetched files may hold; a smaller one evicts at once. */
  readonly budgetBytes: number
  /** Base units per byte served. */
  readonly pricePerByte: bigint
  /** Base units per byte added for a deal's data served by unsealing its sector (priced separately). */
  readonly unsealPricePerByte: bigint
}

export const SERVE_OFF: ServeSettings = {
  enabled: false,
  budgetBytes: 0,
  pricePerByte: 0n,
  unsealPricePerByte: 0n,
}

interface MetaStore {
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
}

const SETTINGS_KEY = 'retrieval.serve'
const EARNED_KEY = 'retrieval.earned'

interface StoredSettings {
  readonly enabled: boolean
  readonly budgetBytes: number
  readonly pricePerByte: string
  /** Absent in settings saved before unsealing was priced. */
  readonly unsealPricePerByte?: string
}

/** The settings and earnings, loaded once and written through on every change. */
export const loadServeSettings = async (meta: MetaStore) => {
  const s = await meta.getMeta<StoredSettings>(SETTINGS_KEY)
  let settings: ServeSettings = s
    ? {
        enabled: s.enabled,
        budgetBytes: s.budgetBytes,
        pricePerByte: BigInt(s.pricePerByte),
        unsealPricePerByte: BigInt(s.unsealPricePerByte ?? '0'),
      }
    : SERVE_OFF
  let earned = BigInt((await meta.getMeta<string>(EARNED_KEY)) ?? '0')
  let saving: Promise<void> = Promise.resolve()
  return {
    get: (): ServeSettings => settings,
    async set(next: ServeSettings): Promise<void> {
      settings = next
      const stored: StoredSettings = {
        ...next,
        pricePerByte: next.pricePerByte.toString(),
        unsealPricePerByte: next.unsealPricePerByte.toString(),
      }
      await meta.putMeta(SETTINGS_KEY, stored)
    },
    earned: (): bigint => earned,
    /** Adds what a payment brought in (0 or more base units); writes are kept in order. */
    recordEarned(amount: bigint): Promise<void> {
      if (amount < 0n) fail('bad_amount', { amount: amount.toString() })
      earned += amount
      const total = earned.toString()
      saving = saving.then(() => meta.putMeta(EARNED_KEY, total))
      return saving
    },
    /** This node's price per byte of `cid`: one price for all it serves, plus the unseal price when `unsealed`. */
    priceOf: (unsealed: boolean): bigint =>
      settings.pricePerByte + (unsealed ? settings.unsealPricePerByte : 0n),
  }
}

export type ServeSettingsStore = Awaited<ReturnType<typeof loadServeSettings>>
