// What the storage service's parts (importer, sealer, window prover, retrieval) share: the
// records, the proof workers, the hash, the seal parameters and where randomness comes from.
import type { Sha256 } from '../../shared/storage/hash.ts'
import type { SealParams } from '../../shared/storage/params.ts'
import type { ComputePool } from './compute-pool.ts'
import type { SectorRecord, StorageDb } from './storage-db.ts'
import type { WindowSource } from './storage-view.ts'

export interface Randomness {
  readonly bytes: Uint8Array
  readonly source: WindowSource
  /** The closed ledger it came from. */
  readonly seq?: number
}

export interface StorageContext {
  readonly db: StorageDb
  readonly pool: ComputePool
  readonly hash: Sha256
  readonly params: SealParams
  /** The node's public key: sealing binds every replica to it. */
  readonly provider: Uint8Array
  readonly now: () => number
  /** Every sector by number (the records in memory; the database is written through). */
  readonly sectors: Map<number, SectorRecord>
  /** The latest closed ledger's hash, or local randomness (labelled) when there is no ledger. */
  readonly randomness: () => Randomness
  /** Replaces a sector record, persisting it unless `persist` is false (progress ticks). */
  update(s: SectorRecord, persist?: boolean): Promise<void>
  /** The view changed: tell the tabs (coalesced). */
  changed(): void
}
