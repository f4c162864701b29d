// Quorum set arithmetic used by consensus: sanity rules, normal form, slices, v-blocking sets,
// transitive quorums, leader-election weights (integer only) and the hash statements carry.
import { cidOf } from '../codec/dag-cbor.ts'
import type { Brand } from '../util/brand.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'

/** The CID string of a quorum set's DAG-CBOR encoding. */
export type QuorumSetHash = Brand<string, 'QuorumSetHash'>

export const MAX_QUORUM_DEPTH = 4
export const MAX_QUORUM_NODES = 1000
const UINT64_MAX = (1n << 64n) - 1n

// Quorum sets are immutable values: their hash and their parse are kept per object (weakly), so
// one set object handed to many nodes in memory (the simulator) is hashed and parsed once.
const hashes = new WeakMap<QuorumSet, QuorumSetHash>()
export const quorumSetHash = (q: QuorumSet): QuorumSetHash => {
  let h = hashes.get(q)
  if (h === undefined) {
    h = cidOf(toData(q)).toString() as QuorumSetHash
    hashes.set(q, h)
  }
  return h
}

function toData(q: QuorumSet): unknown {
  return { threshold: q.threshold, validators: q.validators, innerSets: q.innerSets.map(toData) }
}

export const singletonQuorumSet = (node: NodeId): QuorumSet => ({
  threshold: 1,
  validators: [node],
  innerSets: [],
})

/** Longest node id a quorum set may name (addresses are far shorter). */
export const MAX_NODE_ID_CHARS = 128

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

/**
 * Shape at every level, for data off the wire: an object with an integer threshold, an array of
 * non-empty strings and an array of inner sets of the same shape, at most MAX_QUORUM_DEPTH deep.
 * Returns what is wrong ('malformed' or 'too_deep'), or null. Sanity is `checkQuorumSet`'s.
 */
const shapeError = (x: unknown, depth: number): 'malformed' | 'too_deep' | null => {
  if (depth > MAX_QUORUM_DEPTH) return 'too_deep'
  if (!isObject(x) || !Number.isSafeInteger(x.threshold)) return 'malformed'
  if (!Array.isArray(x.validators) || !Array.isArray(x.innerSets)) return 'malformed'
  if (!x.validators.every((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_NODE_ID_CHARS))
    return 'malformed'
  for (const inner of x.innerSets) {
    const r = shapeError(inner, depth + 1)
    if (r !== null) return r
  }
  return null
}

export const isQuorumSetShape = (x: unknown): x is QuorumSet => shapeError(x, 1) === null

/**
 * Checks the shape (every level, every field) and the sanity rules: threshold in 1..entries,
 * nesting depth <= 4, at most 1000 distinct nodes, no node listed twice. `strict` also demands
 * threshold > 50% at every level (a threshold below the v-blocking size lets two disjoint
 * quorums exist). Safe on any input: it never throws.
 */
export const checkQuorumSet = (q: unknown, strict = false): Result<true, WattError<'insane_qset'>> => {
  const shape = shapeError(q, 1)
  if (shape !== null) return err(wattError('insane_qset', { reason: shape }))
  const seen = new Set<string>()
  const walk = (s: QuorumSet): string | null => {
    const entries = s.validators.length + s.innerSets.length
    if (s.threshold < 1 || s.threshold > entries) return 'bad_threshold'
    if (strict && s.threshold < entries - s.threshold + 1) return 'threshold_below_half'
    for (const v of s.validators) {
      if (seen.has(v)) return 'duplicate_node'
      seen.add(v)
      if (seen.size > MAX_QUORUM_NODES) return 'too_many_nodes'
    }
    for (const inner of s.innerSets) {
      const r = walk(inner)
      if (r !== null) return r
    }
    return null
  }
  const reason = walk(q as QuorumSet)
  return reason === null ? ok(true) : err(wattError('insane_qset', { reason }))
}

/** Parses a quorum set from decoded data, checking shape and sanity. */
const parsed = new WeakMap<object, Result<QuorumSet, WattError<'insane_qset'>>>()
export const parseQuorumSet = (data: unknown): Result<QuorumSet, WattError<'insane_qset'>> => {
  const hit = typeof data === 'object' && data !== null ? parsed.get(data) : undefined
  if (hit !== undefined) return hit
  const sane = checkQuorumSet(data)
  const r = sane.ok ? ok(toPlain(data as QuorumSet)) : sane
  if (typeof data === 'object' && data !== null) parsed.set(data, r)
  return r
}

/** A copy holding only the three fields, so extra fields never reach a hash or a store. */
const toPlain = (q: QuorumSet): QuorumSet => ({
  threshold: q.threshold,
  validators: [...q.validators],
  innerSets: q.innerSets.map(toPlain),
})

/**
 * Normal form: optionally drops one node (adjusting thresholds), merges singleton inner sets
 * into their parent, collapses a lone inner set, and sorts entries so equal sets hash equally.
 */
export const normalizeQuorumSet = (q: QuorumSet, remove?: NodeId): QuorumSet => {
  let threshold = q.threshold
  const validators = q.validators.filter((v) => {
    if (v === remove) {
      threshold = Math.max(0, threshold - 1)
      return false
    }
    return true
  })
  const innerSets: QuorumSet[] = []
  for (const inner of q.innerSets) {
    const n = normalizeQuorumSet(inner, remove)
    if (n.threshold === 1 && n.validators.length === 1 && n.innerSets.length === 0)
      validators.push(n.validators[0]!)
    else innerSets.push(n)
  }
  if (threshold === 1 && validators.length === 0 && innerSets.length === 1) return innerSets[0]!
  validators.sort()
  innerSets.sort(compareQuorumSets)
  return { threshold, validators, innerSets }
}

const compareQuorumSets = (a: QuorumSet, b: QuorumSet): number => {
  const sa = JSON.stringify(a)
  const sb = JSON.stringify(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

/** Every node named anywhere in the set, each once. */
export const quorumSetNodes = (q: QuorumSet, out: Set<NodeId> = new Set()): Set<NodeId> => {
  for (const v of q.validators) out.add(v)
  for (const i of q.innerSets) quorumSetNodes(i, out)
  return out
}

/** True when the nodes satisfy the set's threshold (recursively): they contain a slice. */
export const isQuorumSlice = (q: QuorumSet, has: (n: NodeId) => boolean): boolean => {
  let left = q.threshold
  for (const v of q.validators) if (has(v) && --left <= 0) return true
  for (const i of q.innerSets) if (isQuorumSlice(i, has) && --left <= 0) return true
  return false
}

/** True when the nodes intersect every slice of the set (they can block it). */
export const isVBlocking = (q: QuorumSet, has: (n: NodeId) => boolean): boolean => {
  if (q.threshold === 0) return false
  let left = q.validators.length + q.innerSets.length - q.threshold + 1
  for (const v of q.validators) if (has(v) && --left <= 0) return true
  for (const i of q.innerSets) if (isVBlocking(i, has) && --left <= 0) return true
  return false
}

/** v-blocking test over the nodes whose latest statement passes `filter`. */
export const isVBlockingBy = <S>(
  q: QuorumSet,
  latest: ReadonlyMap<NodeId, S>,
  filter: (s: S) => boolean,
): boolean =>
  isVBlocking(q, (n) => {
    const s = latest.get(n)
    return s !== undefined && filter(s)
  })

/**
 * Transitive quorum test: starting from the nodes whose statement passes `filter`, repeatedly
 * drop nodes whose own quorum set (from `qsetOf`) is not satisfied by those remaining; the
 * remainder is a quorum for us when it satisfies the local set.
 *
 * Cost: slice satisfaction is monotone in the member set, so when the filtered nodes do not
 * even satisfy the local set the answer is false without the fixed point; inside it, each
 * distinct quorum set object is tested once per round (nodes sharing a set share the verdict).
 */
export const isQuorum = <S>(
  local: QuorumSet,
  latest: ReadonlyMap<NodeId, S>,
  qsetOf: (s: S) => QuorumSet | undefined,
  filter: (s: S) => boolean,
): boolean => {
  let members = new Set<NodeId>()
  for (const [n, s] of latest) if (filter(s)) members.add(n)
  let has = (n: NodeId) => members.has(n)
  if (!isQuorumSlice(local, has)) return false
  const verdicts = new Map<QuorumSet, boolean>()
  for (;;) {
    verdicts.clear()
    const next = new Set<NodeId>()
    for (const n of members) {
      const q = qsetOf(latest.get(n)!)
      if (q === undefined) continue
      let v = verdicts.get(q)
      if (v === undefined) {
        v = isQuorumSlice(q, has)
        verdicts.set(q, v)
      }
      if (v) next.add(n)
    }
    if (next.size === members.size) break
    members = next
    has = (n: NodeId) => members.has(n)
  }
  return isQuorumSlice(local, has)
}

/**
 * A node's weight in a quorum set as a fraction of 2^64-1 (stellar-core's leader-election
 * weight): at each level multiply by threshold / entries, rounding down. 0 when absent.
 */
export const nodeWeight = (node: NodeId, q: QuorumSet): bigint => {
  const n = BigInt(q.threshold)
  const d = BigInt(q.validators.length + q.innerSets.length)
  if (d === 0n) return 0n
  for (const v of q.validators) if (v === node) return (UINT64_MAX * n) / d
  for (const i of q.innerSets) {
    const w = nodeWeight(node, i)
    if (w > 0n) return (w * n) / d
  }
  return 0n
}

export { UINT64_MAX }
