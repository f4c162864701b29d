// Seal proofs: honest ones verify from public data; another replica id, a stale seed, a
// flipped byte anywhere, a truncation, or a sealer that skipped work are all rejected.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { loadSha256 } from './hash.ts'
import { NODE_SIZE, sealParams } from './params.ts'
import {
  type SealPublic,
  type SealWitness,
  proveSeal,
  sealProofSizeEstimate,
  verifySeal,
} from './seal-proof.ts'
import {
  commitReplica,
  labelScratch,
  labelStep,
  replicaIdOf,
  startLabeling,
  treeOfNodes,
  xorInto,
} from './sealing.ts'
import { rootOf } from './merkle.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`seal-proof tests seed=${seed} (replay with SEED=${seed})`)
const hash = await loadSha256()
const p = sealParams({ sectorSize: 32 << 10 })

/** Seals keeping every layer (as the proof worker keeps its layer files until the seed comes). */
const sealKeepingLayers = (
  data: Uint8Array,
  replicaId: Uint8Array,
  tamper?: (layer: number, labels: Uint8Array) => void,
) => {
  const s = startLabeling(p)
  const layers: Uint8Array[] = []
  const scratch = labelScratch(p)
  for (;;) {
    const r = labelStep(p, replicaId, s, 1 << 20, hash, scratch)
    if (r.layerDone) {
      const done = r.done ? s.cur : s.prev
      tamper?.(layers.length + 1, done)
      layers.push(done.slice())
    }
    if (r.done) break
  }
  const replica = data.slice()
  xorInto(replica, s.cur)
  const c = commitReplica(p, replica, s.col, hash)
  const reader = (b: Uint8Array) => (start: number, count: number) =>
    b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)
  const treeD = treeOfNodes(p, data, hash)
  const witness: SealWitness = {
    commC: c.commC,
    commRLast: c.commRLast,
    treeD,
    readData: reader(data),
    treeC: c.treeC,
    readColumns: reader(s.col),
    treeR: c.treeR,
    readReplica: reader(replica),
    label: (layer, node) => layers[layer - 1]!.subarray(node * NODE_SIZE, (node + 1) * NODE_SIZE),
  }
  return { commD: rootOf(treeD), commR: c.commR, witness }
}

const rng = createRng(seed)
const data = rng.bytes(p.sectorSize)
const provider = rng.bytes(32)
const ticket = rng.bytes(32)
const commD = rootOf(treeOfNodes(p, data, hash))
const replicaId = replicaIdOf({ provider, sectorNumber: 7, ticket, commD }, hash)
const honest = sealKeepingLayers(data, replicaId)
const pub: SealPublic = { replicaId, commD, commR: honest.commR, seed: rng.bytes(32) }
const proof = proveSeal(p, pub, honest.witness, hash)

test('an honest seal proof verifies and has the estimated size', () => {
  assert.ok(verifySeal(p, pub, proof, hash), `seed=${seed}`)
  assert.ok(proof.length <= sealProofSizeEstimate(p))
  console.log(`seal proof: ${proof.length} bytes for ${p.sealChallenges} challenges (32 KiB sector)`)
})

test('another replica id, another seed, or another CommD fail', () => {
  const other = replicaIdOf({ provider, sectorNumber: 8, ticket, commD }, hash)
  assert.ok(!verifySeal(p, { ...pub, replicaId: other }, proof, hash))
  assert.ok(!verifySeal(p, { ...pub, seed: rng.bytes(32) }, proof, hash))
  assert.ok(!verifySeal(p, { ...pub, commD: rng.bytes(32) }, proof, hash))
})

test('a flipped byte anywhere, a truncation or an extension fail', () => {
  const positions = [0, 31, 32, 63, 64, proof.length - 1]
  for (let k = 0; k < 60; k++) positions.push(rng.int(proof.length))
  for (const at of positions) {
    const bad = proof.slice()
    bad[at]! ^= 1 << rng.int(8)
    assert.ok(!verifySeal(p, pub, bad, hash), `flip at ${at} accepted, seed=${seed}`)
  }
  assert.ok(!verifySeal(p, pub, proof.subarray(0, proof.length - 1), hash))
  assert.ok(!verifySeal(p, pub, new Uint8Array([...proof, 0]), hash))
})

test('a sealer that mislabels 10% of the last layer is caught', () => {
  const cheat = sealKeepingLayers(data, replicaId, (layer, labels) => {
    if (layer !== p.layers) return
    for (let i = 0; i < labels.length / NODE_SIZE; i += 10) labels.fill(0, i * NODE_SIZE, (i + 1) * NODE_SIZE)
  })
  const cpub = { ...pub, commR: cheat.commR }
  // The cheater commits to its (wrong) labels: every challenge hitting a zeroed node fails.
  assert.ok(!verifySeal(p, cpub, proveSeal(p, cpub, cheat.witness, hash), hash), `seed=${seed}`)
})
