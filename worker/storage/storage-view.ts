// What the Storage screen shows, built from the service's records: the offer and what is used,
// sectors with state and sealing progress, stored files, the last window proof. Plain data that
// crosses the RPC boundary; the `storage` event carries it after every change.
import type { SectorRecord, SectorState } from './storage-db.ts'

export interface SectorView {
  readonly sector: number
  readonly state: SectorState
  /** Labeling layer being computed (1-based) and overall sealing fraction, 0..1. */
  readonly layer: number
  readonly layers: number
  readonly fraction: number
  readonly pieces: number
  readonly bytes: number
  readonly commR?: string
  readonly commD?: string
  readonly resumedFromLayer?: number
  readonly sealProof?: 'ok' | 'failed' | 'lost'
  readonly error?: string
}

export interface FileView {
  readonly cid: string
  readonly name: string
  readonly size: number
  readonly sectors: readonly number[]
  readonly atMs: number
}

export type WindowSource = 'ledger' | 'local-timer'

export interface PostView {
  readonly window: number
  /** Randomness from a closed ledger's hash, or the labelled local fallback when none closed. */
  readonly source: WindowSource
  readonly ledgerSeq?: number
  readonly ok: boolean
  readonly proven: readonly number[]
  readonly faulty: readonly { sector: number; code: string }[]
  readonly proofBytes: number
  readonly verified: boolean
  readonly atMs: number
}

export interface StorageView {
  readonly offerBytes: number
  readonly usedBytes: number
  readonly sectorSize: number
  readonly windowEveryLedgers: number
  readonly sectors: readonly SectorView[]
  readonly files: readonly FileView[]
  readonly post: PostView | null
  readonly compute: { workers: number; queued: number; running: number; lost: number }
}

export const sectorView = (s: SectorRecord, layers: number): SectorView => ({
  sector: s.sector,
  state: s.state,
  layer: s.layer,
  layers,
  fraction: s.fraction,
  pieces: s.pieces.length,
  bytes: s.pieces.reduce((n, p) => n + p.size, 0),
  ...(s.commR !== undefined ? { commR: s.commR } : {}),
  ...(s.commD !== undefined ? { commD: s.commD } : {}),
  ...(s.resumedFromLayer !== undefined ? { resumedFromLayer: s.resumedFromLayer } : {}),
  ...(s.sealProof !== undefined ? { sealProof: s.sealProof } : {}),
  ...(s.error !== undefined ? { error: s.error } : {}),
})
