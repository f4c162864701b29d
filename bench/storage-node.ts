// Benchmark of storage in Node: UnixFS import MiB/s against raw SHA-256 MiB/s (same run);
// sealing s/MiB against the lower bound layers x (label hash + column hash) per node; window
// PoSt bytes per sector and verify time; seal proof size and verify time; unseal MiB/s.
// Reports wall and CPU time (the CI box is shared). Writes bench/results/storage-node.json.
// Run: npx node bench/storage-node.ts [sealMiB=4] [importMiB=256]
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { type Sha256, loadSha256, noble256 } from '../shared/storage/hash.ts'
import { buildTree, rootOf } from '../shared/storage/merkle.ts'
import { DEFAULT_POST, NODE_SIZE, sealParams, treeDepth } from '../shared/storage/params.ts'
import { chainStart, proveWindow, verifyWindow, windowProofSize } from '../shared/storage/post.ts'
import { proveSeal, verifySeal } from '../shared/storage/seal-proof.ts'
import {
  commDOf,
  commRFrom,
  commitReplica,
  labelAll,
  labelScratch,
  labelStep,
  replicaIdOf,
  startLabeling,
  treeOfNodes,
  xorInto,
} from '../shared/storage/sealing.ts'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { createRng } from '../shared/util/prng.ts'

const sealMiB = Number(process.argv[2] ?? 4)
const importMiB = Number(process.argv[3] ?? 256)
const MiB = 1 << 20
const rng = createRng(42)

/** Runs f and returns wall and CPU milliseconds. */
const timed = <T>(f: () => T): { value: T; wallMs: number; cpuMs: number } => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const value = f()
  const wallMs = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 }
}
const timedAsync = async <T>(f: () => Promise<T>) => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const value = await f()
  const c = process.cpuUsage(c0)
  return { value, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }
}
const r1 = (x: number) => Math.round(x * 10) / 10

const wasm = await loadSha256()
const native: Sha256 = (...parts) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Hash throughput for inputs of `size` bytes: MiB/s and hashes/s (CPU time). */
const hashRate = (hash: Sha256, size: number, totalBytes: number) => {
  const buf = rng.bytes(size)
  const n = Math.max(4, Math.floor(totalBytes / size))
  const t = timed(() => {
    for (let i = 0; i < n; i++) hash(buf)
  })
  return {
    size,
    mibPerS: r1((n * size) / MiB / (t.cpuMs / 1000)),
    hashesPerS: Math.round(n / (t.cpuMs / 1000)),
  }
}

const p = sealParams({ sectorSize: sealMiB * MiB })
const labelInput = 40 + (p.baseDegree + p.expanderDegree) * NODE_SIZE
const hashes = Object.fromEntries(
  (
    [
      ['wasm', wasm],
      ['noble', noble256],
      ['native', native],
    ] as const
  ).map(([name, h]) => [
    name,
    [hashRate(h, 64, 32 * MiB), hashRate(h, labelInput, 64 * MiB), hashRate(h, MiB, 256 * MiB)],
  ]),
)
console.log('hash rates', JSON.stringify(hashes))

// UnixFS import of a deterministic stream, with the wasm hash (as in the browser) and native.
async function* stream(total: number): AsyncGenerator<Uint8Array> {
  const piece = rng.bytes(4 * MiB)
  for (let off = 0; off < total; off += piece.length)
    yield piece.subarray(0, Math.min(piece.length, total - off))
}
const imports: Record<string, unknown> = {}
for (const [name, h] of [
  ['wasm', wasm],
  ['native', native],
] as const) {
  const t = await timedAsync(() => importFile(stream(importMiB * MiB), undefined, { hash: h }))
  imports[name] = { mib: importMiB, wallMs: Math.round(t.wallMs), mibPerS: r1(importMiB / (t.cpuMs / 1000)) }
}
console.log('import', JSON.stringify(imports))

// Sealing: lower bound = nodes x layers x (one label hash + one 64-byte column hash).
const wasmLabel = hashRate(wasm, labelInput, 32 * MiB).hashesPerS
const wasm64 = hashRate(wasm, 64, 16 * MiB).hashesPerS
const nodesPerMiB = MiB / NODE_SIZE
const lowerBoundSPerMiB = p.layers * nodesPerMiB * (1 / wasmLabel + 1 / wasm64)
const data = rng.bytes(p.sectorSize)
const provider = rng.bytes(32)
const commD = commDOf(p, data, wasm)
const replicaId = replicaIdOf({ provider, sectorNumber: 1, ticket: rng.bytes(32), commD }, wasm)
const layers: Uint8Array[] = []
const seal = timed(() => {
  const s = startLabeling(p)
  const scratch = labelScratch(p)
  for (;;) {
    const r = labelStep(p, replicaId, s, 1 << 15, wasm, scratch)
    if (r.layerDone) layers.push((r.done ? s.cur : s.prev).slice())
    if (r.done) break
  }
  const replica = data.slice()
  xorInto(replica, s.cur)
  return { replica, col: s.col, ...commitReplica(p, replica, s.col, wasm) }
})
const sealing = {
  sectorMiB: sealMiB,
  layers: p.layers,
  wallS: r1(seal.wallMs / 1000),
  cpuSPerMiB: Math.round(seal.cpuMs / sealMiB) / 1000,
  lowerBoundSPerMiB: Math.round(lowerBoundSPerMiB * 1000) / 1000,
  overheadOverBound: r1(seal.cpuMs / 1000 / sealMiB / lowerBoundSPerMiB),
}
console.log('sealing', JSON.stringify(sealing))

// Seal proof.
const nodes = (b: Uint8Array) => (start: number, count: number) =>
  b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)
const sealed = seal.value
const pub = { replicaId, commD, commR: sealed.commR, seed: rng.bytes(32) }
const sp = timed(() =>
  proveSeal(
    p,
    pub,
    {
      commC: sealed.commC,
      commRLast: sealed.commRLast,
      treeD: treeOfNodes(p, data, wasm),
      readData: nodes(data),
      treeC: sealed.treeC,
      readColumns: nodes(sealed.col),
      treeR: sealed.treeR,
      readReplica: nodes(sealed.replica),
      label: (l, n) => layers[l - 1]!.subarray(n * NODE_SIZE, (n + 1) * NODE_SIZE),
    },
    wasm,
  ),
)
const spv = timed(() => verifySeal(p, pub, sp.value, wasm))
if (!spv.value) throw new Error('seal proof did not verify')
const sealProof = {
  bytes: sp.value.length,
  challenges: p.sealChallenges,
  proveMs: Math.round(sp.wallMs),
  verifyMs: r1(spv.cpuMs),
}
console.log('seal proof', JSON.stringify(sealProof))

// Unseal: the whole labeling again, then XOR.
const unseal = timed(() => {
  const out = sealed.replica.slice()
  xorInto(out, labelAll(p, replicaId, wasm).cur)
  return out
})
if (Buffer.compare(unseal.value, data) !== 0) throw new Error('unseal mismatch')
const unsealing = { mibPerS: r1(sealMiB / (unseal.cpuMs / 1000)) }

// Window PoSt per sector size: bytes, and prove/verify time on a random replica (PoSt does not
// depend on how the replica was made), cache base 6 as the proof worker keeps.
const post = [] as Record<string, number>[]
for (const mib of [1, 8, 32, 64]) {
  const size = mib * MiB
  const replica = rng.bytes(size)
  const depth = treeDepth(sealParams({ sectorSize: size }))
  const treeR = buildTree(depth, nodes(replica), wasm, 6)
  const commC = rng.bytes(32)
  const sector = { sectorNumber: 1, sectorSize: size, commR: commRFrom(commC, rootOf(treeR), wasm) }
  const w = { randomness: rng.bytes(32), prevDigest: chainStart(provider, 0, wasm) }
  const pr = timed(() =>
    proveWindow(DEFAULT_POST, w, [{ ...sector, commC, treeR, read: nodes(replica) }], wasm),
  )
  const reps = 50
  const v = timed(() => {
    let ok = true
    for (let i = 0; i < reps; i++) ok &&= verifyWindow(DEFAULT_POST, w, [sector], pr.value, wasm)
    return ok
  })
  if (!v.value) throw new Error('window proof did not verify')
  post.push({
    sectorMiB: mib,
    bytesPerSectorPerWindow: windowProofSize(DEFAULT_POST, [sector]),
    proveMs: r1(pr.cpuMs),
    verifyMs: Math.round((v.cpuMs / reps) * 100) / 100,
  })
}
console.log('post', JSON.stringify(post))

const result = {
  bench: 'storage-node',
  node: process.version,
  cpus: cpus().length,
  loadavg: (await import('node:os')).loadavg().map((x) => r1(x)),
  params: { seal: p, post: DEFAULT_POST },
  hashes,
  import: imports,
  sealing,
  sealProof,
  unsealing,
  windowPost: post,
}
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/storage-node.json', `${JSON.stringify(result, null, 2)}\n`)
console.log('wrote bench/results/storage-node.json')
