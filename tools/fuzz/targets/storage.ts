// Storage: UnixFS blocks a provider hands back on retrieval (read by exportFile, which throws typed
// `WattFailure`s by design), and the proof bytes a provider submits (seal proofs, window PoSt),
// which the verifiers must answer with true or false. Seeds come from a small file imported with
// tiny chunks (a three-level tree) and a 2 KiB sector sealed and proven honestly.
import { encode as encodePb, prepare } from '@ipld/dag-pb'
import * as fc from 'fast-check'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { noble256 as hash } from '../../../shared/storage/hash.ts'
import { type TreeCache, rootOf } from '../../../shared/storage/merkle.ts'
import { DEFAULT_POST, NODE_SIZE, sealParams } from '../../../shared/storage/params.ts'
import { proveWindow, type SectorReplica, verifyWindow } from '../../../shared/storage/post.ts'
import { proveSeal, type SealPublic, verifySeal } from '../../../shared/storage/seal-proof.ts'
import {
  commitReplica,
  labelScratch,
  labelStep,
  replicaIdOf,
  startLabeling,
  treeOfNodes,
  xorInto,
} from '../../../shared/storage/sealing.ts'
import { exportBytes } from '../../../shared/storage/unixfs-export.ts'
import { DAG_PB_CODEC, importFile, SHA2_256_CODE } from '../../../shared/storage/unixfs-import.ts'
import { WattFailure } from '../../../shared/util/errors.ts'
import type { Target } from '../target.ts'

const sample = async () => {
  const blocks = new Map<string, Uint8Array>()
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 255)
  const root = await importFile([data], (b) => void blocks.set(b.cid.toString(), b.bytes), {
    chunkSize: 64,
    maxLinks: 4,
  })
  const inner = [...blocks.entries()].filter(([c]) => CID.parse(c).code === DAG_PB_CODEC).map(([, b]) => b)
  return { blocks, root, inner, cids: [...blocks.keys()].map((c) => CID.parse(c)) }
}
const file = await sample()

const pbNodeArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    type: fc.constantFrom('file', 'raw', 'directory', 'symlink'),
    data: fc.uint8Array({ maxLength: 80 }),
    blockSizes: fc.array(fc.bigInt(0n, 1n << 21n), { maxLength: 6 }),
    links: fc.array(fc.nat(file.cids.length - 1), { maxLength: 6 }),
  })
  .map(({ type, data, blockSizes, links }) => {
    const fs = new UnixFS({ type, ...(data.length ? { data } : {}), blockSizes })
    const Links = links.map((i) => ({ Name: '', Tsize: 64, Hash: file.cids[i]! }))
    return encodePb(prepare({ Data: fs.marshal(), Links }))
  })

const unixfs: Target<Uint8Array> = {
  name: 'unixfs-block',
  about:
    "a dag-pb block a provider returns for a retrieval (its CID is its hash): exportFile over the sample file's blocks",
  kind: 'bytes',
  seeds: () => file.inner,
  arbitrary: fc.oneof(pbNodeArb, fc.uint8Array({ maxLength: 300 })),
  run: (bytes) => {
    const root = CID.createV1(DAG_PB_CODEC, Digest.create(SHA2_256_CODE, hash(bytes)))
    const get = async (c: CID) => (c.equals(root) ? bytes : file.blocks.get(c.toString()))
    return exportBytes(root, get, { maxBlockBytes: 4096, maxDepth: 8 })
  },
  typed: (e) => e instanceof WattFailure,
}

const SEAL = sealParams({ sectorSize: 2 << 10, layers: 2, sealChallenges: 4 })
const reader = (b: Uint8Array) => (start: number, count: number) =>
  b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)

/** Seals the sample sector keeping every layer (the prover needs them) and proves it. */
const sealed = () => {
  const data = Uint8Array.from({ length: SEAL.sectorSize }, (_, i) => (i * 13) & 255)
  const treeD: TreeCache = treeOfNodes(SEAL, data, hash)
  const commD = rootOf(treeD)
  const replicaId = replicaIdOf(
    { provider: new Uint8Array(32), sectorNumber: 1, ticket: new Uint8Array(32), commD },
    hash,
  )
  const s = startLabeling(SEAL)
  const scratch = labelScratch(SEAL)
  const layers: Uint8Array[] = []
  for (let done = false; !done; ) {
    const r = labelStep(SEAL, replicaId, s, 1 << 20, hash, scratch)
    if (r.layerDone) layers.push((r.done ? s.cur : s.prev).slice())
    done = r.done
  }
  const replica = data.slice()
  xorInto(replica, s.cur)
  const c = commitReplica(SEAL, replica, s.col, hash)
  const pub: SealPublic = { replicaId, commD, commR: c.commR, seed: new Uint8Array(32).fill(9) }
  const label = (layer: number, node: number) =>
    layers[layer - 1]!.subarray(node * NODE_SIZE, (node + 1) * NODE_SIZE)
  const witness = {
    ...c,
    treeD,
    readData: reader(data),
    readColumns: reader(s.col),
    readReplica: reader(replica),
    label,
  }
  const sector: SectorReplica = { sectorNumber: 1, sectorSize: SEAL.sectorSize, ...c, read: reader(replica) }
  return { pub, proof: proveSeal(SEAL, pub, witness, hash), sector }
}
const seal = sealed()

const sealProof: Target<Uint8Array> = {
  name: 'seal-proof',
  about: "a provider's seal proof (PoRep) for a sector: verifySeal must answer true or false",
  kind: 'bytes',
  seeds: () => [seal.proof],
  arbitrary: fc.uint8Array({ maxLength: 4096 }),
  run: (proof) => verifySeal(SEAL, seal.pub, proof, hash),
}

const WINDOW = { randomness: new Uint8Array(32).fill(3), prevDigest: new Uint8Array(32).fill(4) }
const windowPost: Target<Uint8Array> = {
  name: 'window-post',
  about: "a provider's window proof of spacetime: verifyWindow must answer true or false",
  kind: 'bytes',
  seeds: () => [proveWindow(DEFAULT_POST, WINDOW, [seal.sector], hash)],
  arbitrary: fc.uint8Array({ maxLength: 4096 }),
  run: (proof) => verifyWindow(DEFAULT_POST, WINDOW, [seal.sector], proof, hash),
}

export const storageTargets: readonly Target[] = [unixfs, sealProof, windowPost]
