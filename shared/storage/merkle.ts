// Binary SHA-256 Merkle trees over 32-byte nodes, with a small cache: only the levels above
// subtrees of 2^base leaves are kept (a 64 MiB sector's cache is ~128 KiB); an opening re-hashes
// its one subtree from the leaves. Leaves are the raw nodes; parents are H(left || right); the
// depth is fixed by the sector size, so leaves and parents cannot be confused.
import { bytesEqual } from '../util/bytes.ts'
import type { Sha256 } from './hash.ts'

export const DEFAULT_CACHE_BASE = 10

export interface TreeCache {
  /** log2 of the number of leaves. */
  readonly depth: number
  /** Height of the subtrees that openings recompute (<= depth). */
  readonly base: number
  /** levels[0] holds the subtree roots, the last level holds the root (32 bytes). */
  readonly levels: readonly Uint8Array[]
}

/** Reads `count` leaves (count x 32 bytes) starting at leaf `start`. */
export type LeafReader = (start: number, count: number) => Uint8Array

/** Hashes a level of n nodes (n x 32 bytes, n even) into the level above. */
const parentLevel = (level: Uint8Array, hash: Sha256): Uint8Array => {
  const n = level.length / 64
  const out = new Uint8Array(n * 32)
  for (let j = 0; j < n; j++) out.set(hash(level.subarray(j * 64, j * 64 + 64)), j * 32)
  return out
}

const subtreeRoot = (leaves: Uint8Array, hash: Sha256): Uint8Array => {
  let level = leaves
  while (level.length > 32) level = parentLevel(level, hash)
  return level
}

/** Builds the cache of a tree whose 2^depth leaves are read through `read`. */
export const buildTree = (
  depth: number,
  read: LeafReader,
  hash: Sha256,
  cacheBase = DEFAULT_CACHE_BASE,
): TreeCache => {
  const base = Math.min(cacheBase, depth)
  const subtrees = 2 ** (depth - base)
  const bottom = new Uint8Array(subtrees * 32)
  for (let s = 0; s < subtrees; s++) bottom.set(subtreeRoot(read(s << base, 1 << base), hash), s * 32)
  const levels: Uint8Array[] = [bottom]
  while (levels[levels.length - 1]!.length > 32) levels.push(parentLevel(levels[levels.length - 1]!, hash))
  return { depth, base, levels }
}

export const rootOf = (t: TreeCache): Uint8Array => t.levels[t.levels.length - 1]!

/** The sibling path (depth x 32 bytes, bottom-up) of leaf `index`. */
export const openPath = (t: TreeCache, index: number, read: LeafReader, hash: Sha256): Uint8Array => {
  const path = new Uint8Array(t.depth * 32)
  const start = (index >>> t.base) << t.base
  let level = read(start, 1 << t.base)
  let pos = index - start
  let d = 0
  while (level.length > 32) {
    const sib = pos ^ 1
    path.set(level.subarray(sib * 32, sib * 32 + 32), d++ * 32)
    level = parentLevel(level, hash)
    pos >>>= 1
  }
  pos = index >>> t.base
  for (let l = 0; l < t.levels.length - 1; l++) {
    const sib = pos ^ 1
    path.set(t.levels[l]!.subarray(sib * 32, sib * 32 + 32), d++ * 32)
    pos >>>= 1
  }
  return path
}

/** The root that `leaf` at `index` with sibling `path` leads to. */
export const rootFromPath = (leaf: Uint8Array, index: number, path: Uint8Array, hash: Sha256): Uint8Array => {
  let node = leaf
  let pos = index
  for (let d = 0; d < path.length / 32; d++) {
    const sib = path.subarray(d * 32, d * 32 + 32)
    node = pos & 1 ? hash(sib, node) : hash(node, sib)
    pos >>>= 1
  }
  return node
}

export const verifyPath = (
  root: Uint8Array,
  leaf: Uint8Array,
  index: number,
  path: Uint8Array,
  depth: number,
  hash: Sha256,
): boolean =>
  leaf.length === 32 &&
  path.length === depth * 32 &&
  index >= 0 &&
  index < 2 ** depth &&
  bytesEqual(rootFromPath(leaf, index, path, hash), root)

/** Serialises a cache for storage beside the replica (levels concatenated). */
export const encodeTreeCache = (t: TreeCache): Uint8Array => {
  const total = t.levels.reduce((n, l) => n + l.length, 0)
  const out = new Uint8Array(2 + total)
  out[0] = t.depth
  out[1] = t.base
  let off = 2
  for (const l of t.levels) {
    out.set(l, off)
    off += l.length
  }
  return out
}

export const decodeTreeCache = (b: Uint8Array): TreeCache | null => {
  const depth = b[0] ?? 0
  const base = b[1] ?? 0
  if (base > depth || depth > 31) return null
  const levels: Uint8Array[] = []
  let off = 2
  for (let n = 2 ** (depth - base); n >= 1; n /= 2) {
    if (off + n * 32 > b.length) return null
    levels.push(b.slice(off, off + n * 32))
    off += n * 32
  }
  return off === b.length ? { depth, base, levels } : null
}
