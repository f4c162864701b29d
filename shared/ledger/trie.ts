// The state commitment: a persistent (path-copying) binary Merkle trie keyed by sha256(key).
// A subtree holding one entry is that entry's leaf, wherever it sits, so the root depends only on
// the set of entries, never on insertion order. Depth is about log2(n) (~20 for 10^6 entries), so
// a ledger's updates rehash only their paths, old versions stay valid, and a proof is the list of
// sibling hashes on the path. Hashes are computed lazily and cached in the (otherwise immutable) nodes.
import { sha256Node, sha256Small as sha256 } from '../util/sha256.ts'
import { utf8 } from '../util/bytes.ts'
import { encodeEntryValue } from './account-codec.ts'

// Every node is created with all its fields (a branch's hash as undefined until computed), so
// the engine sees two stable object shapes: adding a field later would change them per node.
export interface TrieLeaf {
  readonly key: string
  readonly keyHash: Uint8Array
  readonly value: unknown
  /** leafHash(keyHash, valueHashOf(value)), computed when the leaf is made. */
  readonly hash: Uint8Array
}
export interface TrieBranch {
  readonly left: TrieNode | null
  readonly right: TrieNode | null
  hash: Uint8Array | undefined
}
export type TrieNode = TrieLeaf | TrieBranch

export const ZERO_HASH = new Uint8Array(32)
const LEAF_TAG = 0
const BRANCH_TAG = 1

const isLeaf = (n: TrieNode): n is TrieLeaf => 'key' in n
export const keyHashOf = (key: string): Uint8Array => sha256(utf8(key))
/** Bit i (0 = most significant bit of byte 0) of a 32-byte key hash. */
export const bitAt = (h: Uint8Array, i: number): number => (h[i >>> 3]! >>> (7 - (i & 7))) & 1

export const leafHash = (keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array =>
  sha256Node(LEAF_TAG, keyHash, valueHash)

export const branchHash = (left: Uint8Array, right: Uint8Array): Uint8Array =>
  sha256Node(BRANCH_TAG, left, right)

export const valueHashOf = (value: unknown): Uint8Array => sha256(encodeEntryValue(value))

/** A leaf; `keyHash` when the caller already has it (it must be keyHashOf(key)). */
export const makeLeaf = (key: string, value: unknown, keyHash = keyHashOf(key)): TrieLeaf => ({
  key,
  keyHash,
  value,
  hash: leafHash(keyHash, valueHashOf(value)),
})

const branch = (left: TrieNode | null, right: TrieNode | null): TrieBranch => ({
  left,
  right,
  hash: undefined,
})

export const nodeHash = (n: TrieNode | null): Uint8Array => {
  if (n === null) return ZERO_HASH
  if (n.hash !== undefined) return n.hash
  const b = n as TrieBranch
  b.hash = branchHash(nodeHash(b.left), nodeHash(b.right))
  return b.hash
}

const split = (a: TrieLeaf, b: TrieLeaf, depth: number): TrieBranch => {
  if (depth >= 256) throw new Error('sha256 collision in state trie')
  const ba = bitAt(a.keyHash, depth)
  if (ba !== bitAt(b.keyHash, depth)) return ba === 0 ? branch(a, b) : branch(b, a)
  const below = split(a, b, depth + 1)
  return ba === 0 ? branch(below, null) : branch(null, below)
}

const sameKey = (a: Uint8Array, b: Uint8Array): boolean => {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false
  return true
}

/** Returns a new trie with `leaf` inserted or replacing the entry of the same key. */
export const trieInsert = (n: TrieNode | null, leaf: TrieLeaf, depth = 0): TrieNode => {
  if (n === null) return leaf
  if (isLeaf(n)) return sameKey(n.keyHash, leaf.keyHash) ? leaf : split(n, leaf, depth)
  return bitAt(leaf.keyHash, depth) === 0
    ? branch(trieInsert(n.left, leaf, depth + 1), n.right)
    : branch(n.left, trieInsert(n.right, leaf, depth + 1))
}

/** Returns a new trie without the entry at keyHash (the same trie if absent). */
export const trieDelete = (n: TrieNode | null, keyHash: Uint8Array, depth = 0): TrieNode | null => {
  if (n === null) return null
  if (isLeaf(n)) return sameKey(n.keyHash, keyHash) ? null : n
  const goLeft = bitAt(keyHash, depth) === 0
  const child = goLeft ? n.left : n.right
  const next = trieDelete(child, keyHash, depth + 1)
  if (next === child) return n
  const left = goLeft ? next : n.left
  const right = goLeft ? n.right : next
  return join(left, right)
}

/** One change for trieUpdate: a new leaf, or a deletion of the entry at keyHash. */
export interface TrieDeletion {
  readonly keyHash: Uint8Array
  readonly deleted: true
}
export type TrieChange = TrieLeaf | TrieDeletion

const isDeletion = (c: TrieChange): c is TrieDeletion => 'deleted' in c

/** The canonical node over two subtrees: a lone leaf moves up, two empties vanish. */
const join = (left: TrieNode | null, right: TrieNode | null): TrieNode | null => {
  if (left === null && (right === null || isLeaf(right))) return right
  if (right === null && isLeaf(left!)) return left
  return branch(left, right)
}

/**
 * In items sorted by key hash that share their first `depth` bits, the index of the first whose
 * bit `depth` is 1 (hi if none): a binary search, since the zeros come first.
 */
const firstOne = (items: readonly { keyHash: Uint8Array }[], lo: number, hi: number, depth: number) => {
  while (lo < hi) {
    const m = (lo + hi) >>> 1
    if (bitAt(items[m]!.keyHash, depth) === 0) lo = m + 1
    else hi = m
  }
  return lo
}

/** Builds the subtree of leaves sorted by key hash, all sharing their first `depth` bits. */
const build = (leaves: readonly TrieLeaf[], lo: number, hi: number, depth: number): TrieNode | null => {
  if (hi - lo <= 1) return hi > lo ? leaves[lo]! : null
  if (depth >= 256) throw new Error('sha256 collision in state trie')
  const mid = firstOne(leaves, lo, hi, depth)
  return branch(build(leaves, lo, mid, depth + 1), build(leaves, mid, hi, depth + 1))
}

const update = (
  n: TrieNode | null,
  cs: readonly TrieChange[],
  lo: number,
  hi: number,
  depth: number,
): TrieNode | null => {
  if (lo === hi) return n
  if (n === null || isLeaf(n)) {
    const leaves: TrieLeaf[] = []
    let kept = n !== null
    for (let i = lo; i < hi; i++) {
      const c = cs[i]!
      if (n !== null && sameKey(c.keyHash, n.keyHash)) kept = false
      if (!isDeletion(c)) leaves.push(c)
    }
    if (kept) {
      const at = leaves.findIndex((l) => compareHash(l.keyHash, (n as TrieLeaf).keyHash) > 0)
      leaves.splice(at < 0 ? leaves.length : at, 0, n as TrieLeaf)
    }
    return build(leaves, 0, leaves.length, depth)
  }
  const mid = firstOne(cs, lo, hi, depth)
  const left = update(n.left, cs, lo, mid, depth + 1)
  const right = update(n.right, cs, mid, hi, depth + 1)
  return left === n.left && right === n.right ? n : join(left, right)
}

export const compareHash = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

/**
 * Applies many changes in one pass (each touched node rebuilt once, shared upper paths copied
 * once): the per-ledger update and the bulk load of a stored state. Later changes of a key win.
 */
export const trieUpdate = (n: TrieNode | null, changes: readonly TrieChange[]): TrieNode | null => {
  // A stable sort keeps equal keys in input order; the last of each run wins.
  const all = [...changes].sort((a, b) => compareHash(a.keyHash, b.keyHash))
  const sorted = all.filter(
    (c, i) => i === all.length - 1 || compareHash(c.keyHash, all[i + 1]!.keyHash) !== 0,
  )
  return update(n, sorted, 0, sorted.length, 0)
}

export const trieGet = (n: TrieNode | null, keyHash: Uint8Array): TrieLeaf | undefined => {
  let depth = 0
  while (n !== null) {
    if (isLeaf(n)) return sameKey(n.keyHash, keyHash) ? n : undefined
    n = bitAt(keyHash, depth++) === 0 ? n.left : n.right
  }
  return undefined
}

/** Sibling hashes from the root down to the leaf of keyHash, or undefined if absent. */
export const triePath = (n: TrieNode | null, keyHash: Uint8Array): Uint8Array[] | undefined => {
  const siblings: Uint8Array[] = []
  let depth = 0
  while (n !== null) {
    if (isLeaf(n)) return sameKey(n.keyHash, keyHash) ? siblings : undefined
    const left = bitAt(keyHash, depth++) === 0
    siblings.push(nodeHash(left ? n.right : n.left))
    n = left ? n.left : n.right
  }
  return undefined
}

/** Recomputes the root from a leaf hash and its siblings (root first), as a verifier does. */
export const rootFromPath = (leaf: Uint8Array, keyHash: Uint8Array, siblings: readonly Uint8Array[]) => {
  let h = leaf
  for (let d = siblings.length - 1; d >= 0; d--) {
    h = bitAt(keyHash, d) === 0 ? branchHash(h, siblings[d]!) : branchHash(siblings[d]!, h)
  }
  return h
}

/** Every leaf, in key-hash order. */
export function* trieLeaves(n: TrieNode | null): Generator<TrieLeaf> {
  if (n === null) return
  if (isLeaf(n)) {
    yield n
    return
  }
  yield* trieLeaves(n.left)
  yield* trieLeaves(n.right)
}
