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

export const quorumSetHash = (q: QuorumSet): QuorumSetHash => cidOf(toData(q)).toString() as QuorumSetHash

function toData(q: QuorumSet): unknown {
  return { threshold: q.threshold, validators: q.validators, innerSets: q.innerSets.map(toData) }
}

export const singletonQuorumSet = (node: NodeId): QuorumSet => ({
  threshold: 1,
  validators: [node],
  innerSets: [],
})

/** The fields of one level have the right types (the levels below are walked separately). */
const isLevelShape = (x: unknown): x is QuorumSet => {
  if (typeof x !== 'object' || x === null) return false
  const s = x as { threshold?: unknown; validators?: unknown; innerSets?: unknown }
  return typeof s.threshold === 'number' && Array.isArray(s.validators) && Array.isArray(s.innerSets)
}

/**
 * Checks the shape at every level (the input may be untrusted data claiming to be a quorum set)
 * and the sanity rules: threshold in 1..entries, nesting depth <= 4, at most 1000 distinct
 * nodes, no node listed twice. `strict` also demands threshold > 50% at every level (a
 * threshold below the v-blocking size lets two disjoint quorums exist).
 */
export const checkQuorumSet = (q: unknown, strict = false): Result<true, WattError<'insane_qset'>> => {
  const seen = new Set<string>()
  const walk = (s: unknown, depth: number): string | null => {
    if (depth > MAX_QUORUM_DEPTH) return 'too_deep'
    if (!isLevelShape(s)) return 'malformed'
    const entries = s.validators.length + s.innerSets.length
    if (!Number.isInteger(s.threshold) || s.threshold < 1 || s.threshold > entries) return 'bad_threshold'
    if (strict && s.threshold < entries - s.threshold + 1) return 'threshold_below_half'
    for (const v of s.validators) {
      if (typeof v !== 'string' || v.length === 0) return 'bad_node'
      if (seen.has(v)) return 'duplicate_node'
      seen.add(v)
      if (seen.size > MAX_QUORUM_NODES) return 'too_many_nodes'
    }
    for (const inner of s.innerSets) {
      const r = walk(inner, depth + 1)
      if (r !== null) return r
    }
    return null
  }
  const reason = walk(q, 1)
  return reason === null ? ok(true) : err(wattError('insane_qset', { reason }))
}

/** Parses a quorum set from decoded data, checking shape and sanity. */
export const parseQuorumSet = (data: unknown, depth = 1): Result<QuorumSet, WattError> => {
  if (depth > MAX_QUORUM_DEPTH) return err(wattError('insane_qset', { reason: 'too_deep' }))
  if (typeof data !== 'object' || data === null) return err(wattError('malformed', { what: 'qset' }))
  const d = data as { threshold?: unknown; validators?: unknown; innerSets?: unknown }
  if (typeof d.threshold !== 'number' || !Array.isArray(d.validators) || !Array.isArray(d.innerSets))
    return err(wattError('malformed', { what: 'qset' }))
  if (!d.validators.every((v) => typeof v === 'string')) return err(wattError('malformed', { what: 'qset' }))
  const innerSets: QuorumSet[] = []
  for (const i of d.innerSets) {
    const r = parseQuorumSet(i, depth + 1)
    if (!r.ok) return r
    innerSets.push(r.value)
  }
  const q: QuorumSet = { threshold: d.threshold, validators: d.validators as NodeId[], innerSets }
  if (depth > 1) return ok(q)
  const sane = checkQuorumSet(q)
  return sane.ok ? ok(q) : sane
}

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
