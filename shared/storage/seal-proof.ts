// Seal proof (PoRep, W10): after CommR is committed, randomness `seed` from a later ledger
// picks challenge nodes (Fiat-Shamir); for each, the prover opens the columns (labels of every
// layer) of the node and of all its parents against CommC, the data node against CommD and the
// replica node against CommR's replica tree. The verifier recomputes every label of the node
// from its parents' labels, so a wrongly labeled node is caught wherever it is challenged.
// Layout: commC, commRLast, then per challenge: data leaf, data path, replica path, node
// column (layers x 32) + path, then each parent's column + path (base parents, expanders).
import { bytesEqual } from '../util/bytes.ts'
import { baseParents, expanderParents } from './graph.ts'
import type { Sha256 } from './hash.ts'
import { type LeafReader, type TreeCache, openPath, rootFromPath } from './merkle.ts'
import { NODE_SIZE, type SealParams, nodeCount, treeDepth } from './params.ts'
import { ByteReader, ByteWriter, readU32, tag, u32be } from './proof-bytes.ts'
import { commRFrom, computeLabel, labelScratch } from './sealing.ts'

const SEAL_CHALLENGE_TAG = tag('seal-challenge')

export interface SealPublic {
  readonly replicaId: Uint8Array
  readonly commD: Uint8Array
  readonly commR: Uint8Array
  /** Ledger randomness drawn after CommR was committed. */
  readonly seed: Uint8Array
}

/** What the sealer still holds when the seed arrives. */
export interface SealWitness {
  readonly commC: Uint8Array
  readonly commRLast: Uint8Array
  readonly treeD: TreeCache
  readonly readData: LeafReader
  readonly treeC: TreeCache
  readonly readColumns: LeafReader
  readonly treeR: TreeCache
  readonly readReplica: LeafReader
  /** The label of `node` in `layer` (1-based), from the kept layer files. */
  readonly label: (layer: number, node: number) => Uint8Array
}

export const sealChallenges = (p: SealParams, pub: SealPublic, hash: Sha256): number[] => {
  const mask = nodeCount(p) - 1
  const out: number[] = []
  for (let k = 0; k < p.sealChallenges; k++)
    out.push(readU32(hash(SEAL_CHALLENGE_TAG, pub.replicaId, pub.commR, pub.seed, u32be(k))) & mask)
  return out
}

/** The nodes whose columns a challenge opens: itself, base parents (>= 0), expander parents. */
const openedNodes = (p: SealParams, node: number): number[] => {
  const base = new Int32Array(p.baseDegree)
  const exp = new Int32Array(p.expanderDegree)
  baseParents(p, node, base)
  expanderParents(p, node, exp)
  return [node, ...[...base].filter((x) => x >= 0), ...(p.layers > 1 ? exp : [])]
}

const columnDigest = (labels: Uint8Array, hash: Sha256): Uint8Array => {
  let c: Uint8Array = new Uint8Array(NODE_SIZE)
  for (let off = 0; off < labels.length; off += NODE_SIZE) c = hash(c, labels.subarray(off, off + NODE_SIZE))
  return c
}

export const proveSeal = (p: SealParams, pub: SealPublic, w: SealWitness, hash: Sha256): Uint8Array => {
  const out = new ByteWriter()
  out.put(w.commC)
  out.put(w.commRLast)
  for (const c of sealChallenges(p, pub, hash)) {
    out.put(w.readData(c, 1).slice(0, NODE_SIZE))
    out.put(openPath(w.treeD, c, w.readData, hash))
    out.put(openPath(w.treeR, c, w.readReplica, hash))
    for (const n of openedNodes(p, c)) {
      for (let l = 1; l <= p.layers; l++) out.put(w.label(l, n))
      out.put(openPath(w.treeC, n, w.readColumns, hash))
    }
  }
  return out.finish()
}

export const verifySeal = (p: SealParams, pub: SealPublic, proof: Uint8Array, hash: Sha256): boolean => {
  const depth = treeDepth(p)
  const r = new ByteReader(proof)
  const commC = r.take(32)
  const commRLast = r.take(32)
  if (commC === null || commRLast === null) return false
  if (!bytesEqual(commRFrom(commC, commRLast, hash), pub.commR)) return false
  const scratch = labelScratch(p)
  for (const c of sealChallenges(p, pub, hash)) {
    const data = r.take(NODE_SIZE)
    const dataPath = r.take(depth * 32)
    const replicaPath = r.take(depth * 32)
    if (data === null || dataPath === null || replicaPath === null) return false
    if (!bytesEqual(rootFromPath(data, c, dataPath, hash), pub.commD)) return false
    const columns = new Map<number, Uint8Array>()
    for (const n of openedNodes(p, c)) {
      const labels = r.take(p.layers * NODE_SIZE)
      const path = r.take(depth * 32)
      if (labels === null || path === null) return false
      if (!bytesEqual(rootFromPath(columnDigest(labels, hash), n, path, hash), commC)) return false
      const seen = columns.get(n)
      if (seen !== undefined && !bytesEqual(seen, labels)) return false
      columns.set(n, labels)
    }
    const own = columns.get(c)!
    for (let l = 1; l <= p.layers; l++) {
      const copy = (previous: boolean, n: number, dst: Uint8Array, off: number) => {
        const at = ((previous ? l - 1 : l) - 1) * NODE_SIZE
        dst.set(columns.get(n)!.subarray(at, at + NODE_SIZE), off)
      }
      const label = computeLabel(p, pub.replicaId, l, c, copy, scratch, hash)
      if (!bytesEqual(label, own.subarray((l - 1) * NODE_SIZE, l * NODE_SIZE))) return false
    }
    const replica = data.slice()
    const key = own.subarray((p.layers - 1) * NODE_SIZE)
    for (let i = 0; i < NODE_SIZE; i++) replica[i]! ^= key[i]!
    if (!bytesEqual(rootFromPath(replica, c, replicaPath, hash), commRLast)) return false
  }
  return r.done
}

/** Bytes of a seal proof (independent of the seed up to node-0 challenges). */
export const sealProofSizeEstimate = (p: SealParams): number => {
  const depth = treeDepth(p)
  const perColumn = p.layers * NODE_SIZE + depth * 32
  return (
    64 + p.sealChallenges * (NODE_SIZE + 2 * depth * 32 + (1 + p.baseDegree + p.expanderDegree) * perColumn)
  )
}
