// Builds an Fbas from the stellarbeat JSON format (what fbas_analyzer reads) or from the
// quorum sets a WATT node knows. Conventions follow fbas_analyzer: nodes are numbered by
// position; a node without a quorum set is unsatisfiable; validators naming no known node
// are dropped while the threshold stays; a repeated public key refers to its last entry.
import type { NodeId, QuorumSet } from '../scp/quorum-set.ts'
import { err, ok, type Result, wattError } from '../util/errors.ts'
import {
  buildFbas,
  FBAS_LIMITS,
  type Fbas,
  type IndexQuorumSet,
  type QuorumError,
  UNSATISFIABLE,
} from './fbas.ts'

export interface ReadOptions {
  /** Treat nodes marked `"active": false` as absent (their numbers are kept). */
  readonly ignoreInactive?: boolean
}

type Lookup = (name: string) => number | undefined

const bad = (message: string): { ok: false; error: QuorumError } => err(wattError('bad_input', { message }))

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

const convert = (
  raw: unknown,
  lookup: Lookup,
  path: string,
  depth: number,
): Result<IndexQuorumSet, QuorumError> => {
  if (depth > FBAS_LIMITS.maxDepth)
    return bad(`${path}: quorum sets nested deeper than ${FBAS_LIMITS.maxDepth}`)
  if (!isRecord(raw)) return bad(`${path}: quorum set is not an object`)
  const { threshold, validators, innerQuorumSets } = raw
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 0) {
    return bad(`${path}.threshold: not a non-negative integer`)
  }
  if (!Array.isArray(validators)) return bad(`${path}.validators: not an array`)
  const inner = innerQuorumSets ?? []
  if (!Array.isArray(inner)) return bad(`${path}.innerQuorumSets: not an array`)
  if (validators.length + inner.length > FBAS_LIMITS.maxEntriesPerSet) {
    return bad(`${path}: more than ${FBAS_LIMITS.maxEntriesPerSet} entries`)
  }
  const ids: number[] = []
  for (const v of validators) {
    if (typeof v !== 'string') return bad(`${path}.validators: entries must be strings`)
    const id = lookup(v)
    if (id !== undefined) ids.push(id)
  }
  const sets: IndexQuorumSet[] = []
  for (const [k, i] of inner.entries()) {
    const r = convert(i, lookup, `${path}.innerQuorumSets[${k}]`, depth + 1)
    if (!r.ok) return r
    sets.push(r.value)
  }
  return ok({ threshold, validators: ids, inner: sets })
}

/** Reads a parsed stellarbeat nodes JSON document (an array of nodes). */
export const fbasFromStellarbeat = (doc: unknown, options: ReadOptions = {}): Result<Fbas, QuorumError> => {
  if (!Array.isArray(doc)) return bad('expected a JSON array of nodes')
  if (doc.length > FBAS_LIMITS.maxNodes) {
    return err(
      wattError('too_large', { message: `more than ${FBAS_LIMITS.maxNodes} nodes`, nodes: doc.length }),
    )
  }
  const names: string[] = []
  const absent = new Set<number>()
  for (const [i, node] of doc.entries()) {
    if (!isRecord(node) || typeof node['publicKey'] !== 'string') return bad(`node ${i}: missing publicKey`)
    names.push(node['publicKey'])
    if (options.ignoreInactive && node['active'] === false) absent.add(i)
  }
  const index = new Map<string, number>()
  for (const [i, name] of names.entries()) if (!absent.has(i)) index.set(name, i)
  const lookup: Lookup = (name) => index.get(name)
  const qsets: IndexQuorumSet[] = []
  for (const [i, node] of (doc as Record<string, unknown>[]).entries()) {
    const raw = node['quorumSet']
    if (absent.has(i) || raw === undefined || raw === null) {
      qsets.push(UNSATISFIABLE)
      continue
    }
    const r = convert(raw, lookup, `node ${i}.quorumSet`, 1)
    if (!r.ok) return r
    qsets.push(r.value)
  }
  return ok(buildFbas(names, qsets))
}

const fromQuorumSet = (q: QuorumSet, lookup: Lookup): IndexQuorumSet => ({
  threshold: q.threshold,
  validators: q.validators.flatMap((v) => {
    const id = lookup(v)
    return id === undefined ? [] : [id]
  }),
  inner: q.innerSets.map((i) => fromQuorumSet(i, lookup)),
})

/** Reads the quorum sets a node knows, numbering nodes in the map's order. */
export const fbasFromQuorumSets = (nodes: ReadonlyMap<NodeId, QuorumSet>): Result<Fbas, QuorumError> => {
  if (nodes.size > FBAS_LIMITS.maxNodes) {
    return err(
      wattError('too_large', { message: `more than ${FBAS_LIMITS.maxNodes} nodes`, nodes: nodes.size }),
    )
  }
  const names = [...nodes.keys()]
  const index = new Map<string, number>(names.map((n, i) => [n, i]))
  const lookup: Lookup = (name) => index.get(name)
  return ok(
    buildFbas(
      names,
      [...nodes.values()].map((q) => fromQuorumSet(q, lookup)),
    ),
  )
}
