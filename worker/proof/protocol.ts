// The proof worker's contract, imported by the host tab and by the worker itself: request and
// event messages (`type`-tagged, with guards) and the OPFS layout of sectors. Requests carry an
// `id`; the worker answers each with progress events and one `done` or `failed` event.
import type { WattError } from '../../shared/util/errors.ts'
import type { SealParams } from '../../shared/storage/params.ts'

/** OPFS layout: one directory per sector under `sectors/`. */
export const OPFS_ROOT = 'sectors'
export const sectorDir = (sector: number): string => `s${sector}`
export const FILES = {
  /** Unsealed sector bytes while packing and sealing (deleted once sealed). */
  data: 'data.bin',
  /** Labels of a finished layer l (kept until the seal proof is made). */
  layer: (l: number) => `layer-${l}.bin`,
  /** Column digests after layer l (only the newest is kept). */
  columns: (l: number) => `col-${l}.bin`,
  /** JSON `{ params, layer, replicaId, digest }`: the last layer whose files are complete. */
  checkpoint: 'checkpoint.json',
  /** The sealed replica. */
  replica: 'replica.bin',
  /** Merkle tree cache of the replica (see shared/storage/merkle.ts). */
  treeR: 'tree-r.bin',
  /** JSON `SealedInfo`: written last, so its presence means the replica is complete. */
  sealed: 'sealed.json',
} as const

export interface SealedInfo {
  readonly sector: number
  readonly params: SealParams
  readonly replicaId: string
  readonly commD: string
  readonly commC: string
  readonly commRLast: string
  readonly commR: string
}

export interface WindowSector {
  readonly sector: number
  readonly sectorSize: number
  readonly commR: Uint8Array
}

export type ProofRequest =
  | { type: 'write'; id: number; sector: number; offset: number; bytes: Uint8Array }
  | { type: 'seal'; id: number; sector: number; params: SealParams; provider: Uint8Array; ticket: Uint8Array }
  | { type: 'seal-proof'; id: number; sector: number; seed: Uint8Array }
  | {
      type: 'window-post'
      id: number
      randomness: Uint8Array
      prevDigest: Uint8Array
      sectors: WindowSector[]
      /** Replica nodes opened per sector (the market's genesis `postChallenges`); default DEFAULT_POST's. */
      challenges?: number
    }
  | { type: 'unseal'; id: number; sector: number; offset: number; length: number }
  | { type: 'delete'; id: number; sector: number }

/** A request before the host numbers it. */
export type ProofCall = ProofRequest extends infer R
  ? R extends ProofRequest
    ? Omit<R, 'id'>
    : never
  : never

export type ProofResult =
  | { type: 'written'; size: number }
  | { type: 'sealed'; info: SealedInfo; resumedFromLayer: number }
  | { type: 'seal-proof'; proof: Uint8Array }
  /** The proof covers `proven` in order; `faulty` sectors could not be read (and are left out). */
  | {
      type: 'window-post'
      proof: Uint8Array
      proven: number[]
      faulty: { sector: number; error: WattError }[]
    }
  | { type: 'unsealed'; bytes: Uint8Array }
  | { type: 'deleted' }

export type ProofEvent =
  | {
      type: 'progress'
      id: number
      sector: number
      phase: 'labeling' | 'finalizing'
      layer: number
      fraction: number
    }
  | { type: 'done'; id: number; result: ProofResult }
  | { type: 'failed'; id: number; error: WattError }

/** Most bytes a `write` may carry (bounded messages). */
export const MAX_WRITE = 8 << 20
/** Most sectors one window request may name. */
export const MAX_WINDOW_SECTORS = 4096

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
const isBytes = (x: unknown, len?: number): x is Uint8Array =>
  x instanceof Uint8Array && (len === undefined || x.length === len)
/** Ledger randomness: a 32-byte hash, or a header CID's bytes (36) as the market's ring keeps them. */
const isRandomness = (x: unknown): x is Uint8Array => isBytes(x) && x.length >= 32 && x.length <= 64
const isParams = (x: unknown): x is SealParams =>
  isObj(x) &&
  ['sectorSize', 'layers', 'baseDegree', 'expanderDegree', 'sealChallenges'].every((k) => isNat(x[k]))

export const isProofRequest = (x: unknown): x is ProofRequest => {
  if (!isObj(x) || !isNat(x.id)) return false
  switch (x.type) {
    case 'write':
      return isNat(x.sector) && isNat(x.offset) && isBytes(x.bytes) && x.bytes.length <= MAX_WRITE
    case 'seal':
      return isNat(x.sector) && isParams(x.params) && isBytes(x.provider) && isBytes(x.ticket, 32)
    case 'seal-proof':
      return isNat(x.sector) && isRandomness(x.seed)
    case 'window-post':
      return (
        isRandomness(x.randomness) &&
        isBytes(x.prevDigest, 32) &&
        (x.challenges === undefined || (isNat(x.challenges) && x.challenges >= 1 && x.challenges <= 64)) &&
        Array.isArray(x.sectors) &&
        x.sectors.length <= MAX_WINDOW_SECTORS &&
        x.sectors.every((s) => isObj(s) && isNat(s.sector) && isNat(s.sectorSize) && isBytes(s.commR, 32))
      )
    case 'unseal':
      return isNat(x.sector) && isNat(x.offset) && isNat(x.length) && x.length <= MAX_WRITE
    case 'delete':
      return isNat(x.sector)
    default:
      return false
  }
}

export const isProofEvent = (x: unknown): x is ProofEvent => {
  if (!isObj(x) || !isNat(x.id)) return false
  switch (x.type) {
    case 'progress':
      return isNat(x.sector) && isNat(x.layer) && typeof x.fraction === 'number'
    case 'done':
      return isObj(x.result) && typeof x.result.type === 'string'
    case 'failed':
      return isObj(x.error) && typeof x.error.code === 'string'
    default:
      return false
  }
}
