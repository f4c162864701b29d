// The storage budget: how many bytes the device's files take (unsealed blocks, sector data,
// sealing layers, replicas with their Merkle cache) and whether a new file fits the user's offer
// before anything is written. Refusing up front (`over_budget`) is what keeps the disk from filling.
import type { SealParams } from '../../shared/storage/params.ts'
import type { SectorRecord } from './storage-db.ts'

/** Sectors that may seal at once (one per proof worker). */
export const CONCURRENT_SEALS = 2

/** A sealed sector on disk: the replica plus its Merkle cache (base 6: sector / 32). */
export const sealedFootprint = (sectorSize: number): number => sectorSize + sectorSize / 32

/** Bytes one sector occupies now, from its state and sealing progress. */
export const sectorFootprint = (s: SectorRecord): number => {
  switch (s.state) {
    case 'packing':
      return s.pieces.reduce((n, p) => Math.max(n, p.offset + p.size), 0)
    case 'sealing':
      // data, the finished layers' labels and the newest column file
      return s.sectorSize * (2 + Math.max(0, s.layer - 1))
    default:
      return sealedFootprint(s.sectorSize)
  }
}

export const usedBytes = (blockBytes: number, sectors: Iterable<SectorRecord>): number => {
  let n = blockBytes
  for (const s of sectors) n += sectorFootprint(s)
  return n
}

/**
 * The most a file of `size` bytes can add: its blocks (leaves plus at most 1% of tree nodes),
 * the sectors they fill (one extra for alignment and the root), and the layer files of the
 * sectors sealing at once.
 */
export const projectedBytes = (size: number, p: SealParams): number => {
  const sectors = Math.ceil(size / p.sectorSize) + 1
  return (
    Math.ceil(size * 1.01) +
    sectors * sealedFootprint(p.sectorSize) +
    Math.min(sectors, CONCURRENT_SEALS) * (p.layers + 1) * p.sectorSize
  )
}
