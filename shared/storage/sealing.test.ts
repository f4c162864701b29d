// Sealing: the labeling graph has the promised shape, sealing is replica-unique, unsealing is
// exact, and resuming from any layer checkpoint gives the same replica as one straight run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bytesEqual } from '../util/bytes.ts'
import { createRng } from '../util/prng.ts'
import { baseParents, expanderParents } from './graph.ts'
import { loadSha256 } from './hash.ts'
import { nodeCount, sealParams } from './params.ts'
import {
  commDOf,
  commitReplica,
  labelAll,
  labelScratch,
  labelStep,
  labelingProgress,
  replicaIdOf,
  resumeLabeling,
  startLabeling,
  xorInto,
} from './sealing.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`sealing tests seed=${seed} (replay with SEED=${seed})`)
const hash = await loadSha256()
const p = sealParams({ sectorSize: 64 << 10 })

const sealCopy = (data: Uint8Array, provider: Uint8Array, sectorNumber: number, ticket: Uint8Array) => {
  const commD = commDOf(p, data, hash)
  const replicaId = replicaIdOf({ provider, sectorNumber, ticket, commD }, hash)
  const s = labelAll(p, replicaId, hash)
  const replica = data.slice()
  xorInto(replica, s.cur)
  return { commD, replicaId, replica, ...commitReplica(p, replica, s.col, hash) }
}

test('parameters are checked', () => {
  assert.throws(() => sealParams({ sectorSize: 3 << 20 }), RangeError)
  assert.throws(() => sealParams({ sectorSize: 128 << 20 }), RangeError)
  assert.throws(() => sealParams({ layers: 0 }), RangeError)
  assert.equal(sealParams({ sectorSize: 1 << 20 }).sectorSize, 1 << 20)
})

test('graph: base parents are earlier nodes led by the previous one; expanders in range', () => {
  const rng = createRng(seed)
  const base = new Int32Array(p.baseDegree)
  const exp = new Int32Array(p.expanderDegree)
  for (let k = 0; k < 2000; k++) {
    const i = 1 + rng.int(nodeCount(p) - 1)
    baseParents(p, i, base)
    assert.equal(base[0], i - 1)
    for (const x of base) assert.ok(x >= 0 && x < i, `node ${i} parent ${x} seed=${seed}`)
    expanderParents(p, i, exp)
    for (const x of exp) assert.ok(x >= 0 && x < nodeCount(p))
  }
  baseParents(p, 0, base)
  assert.ok(base.every((x) => x === -1))
})

test('unsealing recovers the data; two replicas of the same data differ', () => {
  const rng = createRng(seed)
  const data = rng.bytes(p.sectorSize)
  const provider = rng.bytes(32)
  const a = sealCopy(data, provider, 1, rng.bytes(32))
  const b = sealCopy(data, provider, 2, rng.bytes(32))
  const c = sealCopy(data, rng.bytes(32), 1, rng.bytes(32))
  assert.ok(bytesEqual(a.commD, b.commD))
  assert.ok(!bytesEqual(a.commR, b.commR) && !bytesEqual(a.commR, c.commR) && !bytesEqual(b.commR, c.commR))
  assert.ok(!bytesEqual(a.replica, data))
  const key = labelAll(p, a.replicaId, hash).cur
  const back = a.replica.slice()
  xorInto(back, key)
  assert.ok(bytesEqual(back, data), `seed=${seed}`)
})

test('resuming from a layer checkpoint after an interruption gives the same labels', () => {
  const rng = createRng(seed)
  const replicaId = rng.bytes(32)
  const straight = labelAll(p, replicaId, hash)
  const scratch = labelScratch(p)
  let s = startLabeling(p)
  let checkpoint: { layer: number; labels: Uint8Array; col: Uint8Array } | null = null
  let lastProgress = 0
  for (;;) {
    const r = labelStep(p, replicaId, s, 1 + rng.int(1500), hash, scratch)
    assert.ok(labelingProgress(p, s) > lastProgress, `progress must grow, seed=${seed}`)
    lastProgress = labelingProgress(p, s)
    if (r.layerDone)
      checkpoint = { layer: s.layer - 1, labels: r.done ? s.cur.slice() : s.prev.slice(), col: s.col.slice() }
    if (r.done) break
    if (rng.int(7) === 0 && checkpoint !== null) {
      // "reload": drop everything in memory, resume from the last checkpoint
      s = resumeLabeling(p, checkpoint.layer, checkpoint.labels.slice(), checkpoint.col.slice())
      lastProgress = labelingProgress(p, s)
    }
  }
  assert.ok(bytesEqual(s.cur, straight.cur), `seed=${seed}`)
  assert.ok(bytesEqual(s.col, straight.col), `seed=${seed}`)
})
