// Sealing (PoRep, W10): a sector's data is encoded with keys that only a slow, sequential,
// layered labeling of a depth-robust graph produces, unique to its replica id. The work runs in
// bounded steps over Uint8Arrays updated in place, so a worker can report progress and
// checkpoint after every layer (resume = the last finished layer's labels + column digests).
import { baseParents, expanderParents } from './graph.ts'
import type { Sha256 } from './hash.ts'
import { type TreeCache, buildTree, rootOf } from './merkle.ts'
import { tag, u64be } from './proof-bytes.ts'
import { NODE_SIZE, type SealParams, nodeCount, treeDepth } from './params.ts'

const RID_TAG = tag('replica-id')

export interface ReplicaIdInput {
  readonly provider: Uint8Array
  readonly sectorNumber: number
  /** Ledger randomness drawn when sealing starts. */
  readonly ticket: Uint8Array
  readonly commD: Uint8Array
}

/** H(tag, provider, sector number, ticket, CommD): binds the replica to who, which and what. */
export const replicaIdOf = (r: ReplicaIdInput, hash: Sha256): Uint8Array =>
  hash(RID_TAG, r.provider, u64be(r.sectorNumber), r.ticket, r.commD)

/** Copies one 32-byte label (of the current layer, or the previous one) into `dst` at `off`. */
export type LabelCopier = (previousLayer: boolean, node: number, dst: Uint8Array, off: number) => void

/** Scratch space reused across label computations (no allocation per node). */
export interface LabelScratch {
  readonly input: Uint8Array
  readonly base: Int32Array
  readonly exp: Int32Array
}

export const labelScratch = (p: SealParams): LabelScratch => ({
  input: new Uint8Array(40 + (p.baseDegree + p.expanderDegree) * NODE_SIZE),
  base: new Int32Array(p.baseDegree),
  exp: new Int32Array(p.expanderDegree),
})

const putU32 = (b: Uint8Array, off: number, n: number): void => {
  b[off] = n >>> 24
  b[off + 1] = (n >>> 16) & 255
  b[off + 2] = (n >>> 8) & 255
  b[off + 3] = n & 255
}

/**
 * Label of `node` in `layer` (1-based): H(replicaId, layer, node, base parents' labels in this
 * layer, then expander parents' labels in the previous layer (layers >= 2 only)).
 * The one definition both the sealer and the seal-proof verifier use.
 */
export const computeLabel = (
  p: SealParams,
  replicaId: Uint8Array,
  layer: number,
  node: number,
  copy: LabelCopier,
  s: LabelScratch,
  hash: Sha256,
): Uint8Array => {
  const buf = s.input
  buf.set(replicaId, 0)
  putU32(buf, 32, layer)
  putU32(buf, 36, node)
  let off = 40
  baseParents(p, node, s.base)
  for (let k = 0; k < p.baseDegree; k++, off += NODE_SIZE) {
    const parent = s.base[k]!
    if (parent < 0) buf.fill(0, off, off + NODE_SIZE)
    else copy(false, parent, buf, off)
  }
  if (layer > 1) {
    expanderParents(p, node, s.exp)
    for (let k = 0; k < p.expanderDegree; k++, off += NODE_SIZE) copy(true, s.exp[k]!, buf, off)
  }
  return hash(buf.subarray(0, off))
}

const words = (b: Uint8Array): Uint32Array | null =>
  b.byteOffset % 4 === 0 && b.length % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.length / 4) : null

/** A copier reading whole layers held in memory (word copies when `dst` is the aligned scratch). */
export const arrayCopier = (cur: Uint8Array, prev: Uint8Array): LabelCopier => {
  const cw = words(cur)
  const pw = words(prev)
  let dstBytes: Uint8Array | null = null
  let dw: Uint32Array | null = null
  return (previous, node, dst, off) => {
    if (dst !== dstBytes) {
      dstBytes = dst
      dw = words(dst)
    }
    const srcW = previous ? pw : cw
    if (dw !== null && srcW !== null && off % 4 === 0) {
      const at = node * 8
      const o = off >>> 2
      for (let j = 0; j < 8; j++) dw[o + j] = srcW[at + j]!
    } else dst.set((previous ? prev : cur).subarray(node * NODE_SIZE, node * NODE_SIZE + NODE_SIZE), off)
  }
}

/** Folds one more layer's label into a node's column digest: c' = H(c || label). */
export const foldColumn = (column: Uint8Array, label: Uint8Array, hash: Sha256): Uint8Array =>
  hash(column, label)

export interface LabelingState {
  /** Layer being computed (1-based); `layers + 1` once labeling is complete. */
  layer: number
  /** Next node to label in `layer`. */
  node: number
  /** Labels of layer - 1. */
  prev: Uint8Array
  /** Labels of `layer` (complete up to `node`); after the last layer, the final key. */
  cur: Uint8Array
  /** Column digests of every node over layers 1..layer (1..layer-1 for nodes >= `node`). */
  readonly col: Uint8Array
}

export const startLabeling = (p: SealParams): LabelingState => ({
  layer: 1,
  node: 0,
  prev: new Uint8Array(p.sectorSize),
  cur: new Uint8Array(p.sectorSize),
  col: new Uint8Array(p.sectorSize),
})

/** Continues after a checkpoint: `labels` are layer `doneLayer`'s, `col` the column digests so far. */
export const resumeLabeling = (
  p: SealParams,
  doneLayer: number,
  labels: Uint8Array,
  col: Uint8Array,
): LabelingState => {
  if (labels.length !== p.sectorSize || col.length !== p.sectorSize) throw new RangeError('checkpoint size')
  if (!(doneLayer >= 1 && doneLayer <= p.layers)) throw new RangeError('checkpoint layer')
  const done = doneLayer === p.layers
  return {
    layer: doneLayer + 1,
    node: 0,
    prev: done ? new Uint8Array(0) : labels,
    cur: done ? labels : new Uint8Array(p.sectorSize),
    col,
  }
}

export interface StepResult {
  /** True when the step finished a layer: the moment to checkpoint `cur` and `col`. */
  readonly layerDone: boolean
  /** True once all layers are labeled; `cur` then holds the encoding key. */
  readonly done: boolean
}

/** Labels up to `maxNodes` nodes, never crossing a layer boundary. */
export const labelStep = (
  p: SealParams,
  replicaId: Uint8Array,
  s: LabelingState,
  maxNodes: number,
  hash: Sha256,
  scratch: LabelScratch = labelScratch(p),
): StepResult => {
  const n = nodeCount(p)
  if (s.layer > p.layers) return { layerDone: false, done: true }
  const cur = s.cur
  const prev = s.prev
  const copy = arrayCopier(cur, prev)
  const pair = new Uint8Array(2 * NODE_SIZE)
  const end = Math.min(n, s.node + maxNodes)
  for (let i = s.node; i < end; i++) {
    const label = computeLabel(p, replicaId, s.layer, i, copy, scratch, hash)
    const at = i * NODE_SIZE
    cur.set(label, at)
    pair.set(s.col.subarray(at, at + NODE_SIZE), 0)
    pair.set(label, NODE_SIZE)
    s.col.set(hash(pair), at)
  }
  s.node = end
  if (end < n) return { layerDone: false, done: false }
  s.layer++
  s.node = 0
  const done = s.layer > p.layers
  if (!done) {
    s.prev = cur
    s.cur = prev.length === cur.length ? prev : new Uint8Array(p.sectorSize)
  }
  return { layerDone: true, done }
}

/** Fraction of the labeling work done, in [0, 1]. */
export const labelingProgress = (p: SealParams, s: LabelingState): number =>
  Math.min(1, ((s.layer - 1) * nodeCount(p) + s.node) / (p.layers * nodeCount(p)))

/** Runs the whole labeling at once (tests, unsealing, the on-demand attacker). */
export const labelAll = (p: SealParams, replicaId: Uint8Array, hash: Sha256): LabelingState => {
  const s = startLabeling(p)
  const scratch = labelScratch(p)
  while (!labelStep(p, replicaId, s, 1 << 16, hash, scratch).done);
  return s
}

/** Encodes (data -> replica) or decodes (replica -> data) in place: target ^= key. */
export const xorInto = (target: Uint8Array, key: Uint8Array): void => {
  if (target.length !== key.length) throw new RangeError('xorInto: length mismatch')
  const n = target.length
  if (n % 4 === 0 && target.byteOffset % 4 === 0 && key.byteOffset % 4 === 0) {
    const t = new Uint32Array(target.buffer, target.byteOffset, n / 4)
    const k = new Uint32Array(key.buffer, key.byteOffset, n / 4)
    for (let i = 0; i < t.length; i++) t[i]! ^= k[i]!
  } else for (let i = 0; i < n; i++) target[i]! ^= key[i]!
}

/** A Merkle tree over a whole in-memory array of nodes. */
export const treeOfNodes = (p: SealParams, nodes: Uint8Array, hash: Sha256): TreeCache =>
  buildTree(
    treeDepth(p),
    (start, count) => nodes.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE),
    hash,
  )

export interface ReplicaCommitments {
  /** Root over the column digests (all layers' labels). */
  readonly commC: Uint8Array
  /** Root over the replica's nodes. */
  readonly commRLast: Uint8Array
  /** H(commC || commRLast): the replica's public commitment. */
  readonly commR: Uint8Array
  readonly treeC: TreeCache
  readonly treeR: TreeCache
}

export const commRFrom = (commC: Uint8Array, commRLast: Uint8Array, hash: Sha256): Uint8Array =>
  hash(commC, commRLast)

export const commitReplica = (
  p: SealParams,
  replica: Uint8Array,
  col: Uint8Array,
  hash: Sha256,
): ReplicaCommitments => {
  const treeC = treeOfNodes(p, col, hash)
  const treeR = treeOfNodes(p, replica, hash)
  const commC = rootOf(treeC)
  const commRLast = rootOf(treeR)
  return { commC, commRLast, commR: commRFrom(commC, commRLast, hash), treeC, treeR }
}

/** CommD: the Merkle root of the sector's unsealed data. */
export const commDOf = (p: SealParams, data: Uint8Array, hash: Sha256): Uint8Array =>
  rootOf(treeOfNodes(p, data, hash))
