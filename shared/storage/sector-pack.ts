// Piece packing: client pieces are zero-padded to a power-of-two number of 32-byte nodes, get a
// piece commitment CommP (the Merkle root of the padded piece), and are placed in a sector at an
// offset aligned to their padded size. Each CommP is then a subtree of the sector's CommD, so
// CommD follows from the CommPs alone and a piece's inclusion is one Merkle path.
import type { Sha256 } from './hash.ts'
import { buildTree, rootOf } from './merkle.ts'
import { NODE_SIZE, isPowerOfTwo } from './params.ts'

export interface PieceInfo {
  /** Padded size in bytes: a power of two, at least one node. */
  readonly paddedSize: number
  readonly commP: Uint8Array
}

export interface Placement extends PieceInfo {
  /** Index of the piece in the caller's list. */
  readonly piece: number
  /** Byte offset in the sector, a multiple of `paddedSize`. */
  readonly offset: number
}

export const paddedSizeOf = (size: number): number =>
  Math.max(NODE_SIZE, 2 ** Math.ceil(Math.log2(Math.max(1, size))))

/** CommP of a piece's bytes, zero-padded to its padded size. */
export const pieceCommitment = (bytes: Uint8Array, hash: Sha256): PieceInfo => {
  const paddedSize = paddedSizeOf(bytes.length)
  const padded = new Uint8Array(paddedSize)
  padded.set(bytes)
  const depth = Math.log2(paddedSize / NODE_SIZE)
  const tree = buildTree(depth, (s, c) => padded.subarray(s * NODE_SIZE, (s + c) * NODE_SIZE), hash)
  return { paddedSize, commP: rootOf(tree) }
}

/**
 * Places pieces largest first, each at the lowest free offset aligned to its size (with
 * power-of-two sizes sorted descending, that offset is simply the running end). Pieces that do
 * not fit are returned in `left`.
 */
export const packPieces = (
  sectorSize: number,
  pieces: readonly PieceInfo[],
): { placed: Placement[]; left: number[] } => {
  const order = pieces.map((_, i) => i).sort((a, b) => pieces[b]!.paddedSize - pieces[a]!.paddedSize || a - b)
  const placed: Placement[] = []
  const left: number[] = []
  let end = 0
  for (const i of order) {
    const p = pieces[i]!
    if (!isPowerOfTwo(p.paddedSize) || p.paddedSize < NODE_SIZE || end + p.paddedSize > sectorSize)
      left.push(i)
    else {
      placed.push({ ...p, piece: i, offset: end })
      end += p.paddedSize
    }
  }
  return { placed, left }
}

/** CommD of a sector holding `placed` pieces and zeros elsewhere, from the CommPs alone. */
export const commDFromPieces = (
  sectorSize: number,
  placed: readonly Placement[],
  hash: Sha256,
): Uint8Array => {
  const zero: Uint8Array[] = [new Uint8Array(NODE_SIZE)]
  const depth = Math.log2(sectorSize / NODE_SIZE)
  for (let l = 1; l <= depth; l++) zero.push(hash(zero[l - 1]!, zero[l - 1]!))
  const byStart = new Map(placed.map((p) => [p.offset, p]))
  /** Root of the subtree of `size` bytes starting at `offset`. */
  const root = (offset: number, size: number): Uint8Array => {
    const p = byStart.get(offset)
    if (p !== undefined && p.paddedSize === size) return p.commP
    const level = Math.log2(size / NODE_SIZE)
    if (!placed.some((q) => q.offset < offset + size && q.offset + q.paddedSize > offset)) return zero[level]!
    if (level === 0) throw new RangeError('misaligned piece')
    return hash(root(offset, size / 2), root(offset + size / 2, size / 2))
  }
  return root(0, sectorSize)
}
