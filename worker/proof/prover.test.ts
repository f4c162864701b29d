// The proof worker's logic over in-memory files: a seal interrupted at any layer resumes to the
// same replica; seal and window proofs verify; unseal returns the data; a deleted replica makes
// the sector faulty with `missing_sector`; a torn checkpoint restarts cleanly.
// Run: npx node --test worker/proof/prover.test.ts
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadSha256 } from '../../shared/storage/hash.ts'
import { DEFAULT_POST, sealParams } from '../../shared/storage/params.ts'
import { verifyWindow } from '../../shared/storage/post.ts'
import { verifySeal } from '../../shared/storage/seal-proof.ts'
import { fromHex } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import { memoryFiles } from './files.ts'
import {
  FILES,
  type ProofCall,
  type ProofEvent,
  type ProofRequest,
  type ProofResult,
  isProofEvent,
  isProofRequest,
} from './protocol.ts'
import { createProver } from './prover.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`prover tests seed=${seed} (replay with SEED=${seed})`)
const hash = await loadSha256()
const params = sealParams({ sectorSize: 64 << 10 })

/** A prover whose worker "dies" (stops yielding) after `killAfter` steps, like a page reload. */
const proverOn = (files: ReturnType<typeof memoryFiles>, killAfter = Number.POSITIVE_INFINITY) => {
  const events: ProofEvent[] = []
  let steps = 0
  const prover = createProver({
    files,
    hash,
    emit: (e) => {
      assert.ok(isProofEvent(e))
      events.push(e)
    },
    yieldNow: async () => {
      if (++steps > killAfter) throw new Error('killed')
    },
    stepNodes: 700,
  })
  let next = 1
  const call = async (req: ProofCall): Promise<ProofResult> => {
    const r = { ...req, id: next++ } as ProofRequest
    assert.ok(isProofRequest(r), `bad request ${r.type}`)
    await prover.handle(r)
    const end = events.findLast((e) => e.id === r.id && e.type !== 'progress')!
    if (end.type === 'failed') throw Object.assign(new Error(end.error.code), { data: end.error })
    assert.equal(end.type, 'done')
    return (end as Extract<ProofEvent, { type: 'done' }>).result
  }
  return { call, events }
}

const rng = createRng(seed)
const provider = rng.bytes(32)
const ticket = rng.bytes(32)
const data = rng.bytes(50_000)

const sealOnce = async (killAt: number[]) => {
  const files = memoryFiles()
  await proverOn(files).call({ type: 'write', sector: 3, offset: 0, bytes: data })
  for (const k of killAt) {
    const killed = await proverOn(files, k)
      .call({ type: 'seal', sector: 3, params, provider, ticket })
      .then(
        () => false,
        () => true,
      )
    // a resumed seal may finish before step k: then there is nothing left to interrupt
    if (!killed) break
    assert.equal(files.store.has(`s3/${FILES.sealed}`), false)
  }
  const p = proverOn(files)
  const r = await p.call({ type: 'seal', sector: 3, params, provider, ticket })
  assert.equal(r.type, 'sealed')
  return { files, r: r as Extract<ProofResult, { type: 'sealed' }>, p }
}

test('a seal killed mid-way resumes from its checkpoint to the same replica', async () => {
  const straight = await sealOnce([])
  const k1 = 1 + rng.int(20)
  const k2 = 1 + rng.int(10)
  const resumed = await sealOnce([k1, k2])
  assert.deepEqual(resumed.r.info, straight.r.info, `kills at ${k1}, ${k2}; seed=${seed}`)
  assert.ok(resumed.r.resumedFromLayer >= 1, `resumed from layer ${resumed.r.resumedFromLayer}`)
  const progress = straight.p.events.filter((e) => e.type === 'progress')
  assert.ok(progress.length > params.layers)
})

test('a torn checkpoint restarts cleanly instead of resuming', async () => {
  const files = memoryFiles()
  await proverOn(files).call({ type: 'write', sector: 3, offset: 0, bytes: data })
  await assert.rejects(proverOn(files, 7).call({ type: 'seal', sector: 3, params, provider, ticket }))
  // Other seal parameters never resume from this checkpoint (and fail cleanly here: data too large).
  const small = sealParams({ sectorSize: 32 << 10 })
  await assert.rejects(
    proverOn(files).call({ type: 'seal', sector: 3, params: small, provider, ticket }),
    /too_large/,
  )
  const colFile = [...files.store.keys()].find((k) => k.includes('col-'))!
  files.store.get(colFile)![5]! ^= 1
  const r = await proverOn(files).call({ type: 'seal', sector: 3, params, provider, ticket })
  assert.equal(r.type === 'sealed' && r.resumedFromLayer, 0)
  assert.deepEqual(r.type === 'sealed' && r.info, (await sealOnce([])).r.info)
})

test('a checkpoint made with other seal parameters is not resumed', async () => {
  const files = memoryFiles()
  await proverOn(files).call({ type: 'write', sector: 3, offset: 0, bytes: data })
  await assert.rejects(proverOn(files, 7).call({ type: 'seal', sector: 3, params, provider, ticket }))
  const fewer = sealParams({ sectorSize: params.sectorSize, layers: 4 })
  const r = await proverOn(files).call({ type: 'seal', sector: 3, params: fewer, provider, ticket })
  assert.equal(r.type === 'sealed' && r.resumedFromLayer, 0)
})

test('seal proof, window PoSt, unseal; a deleted replica is faulty', async () => {
  const { files, r, p } = await sealOnce([])
  const info = r.info
  const seedR = rng.bytes(32)
  const sp = await p.call({ type: 'seal-proof', sector: 3, seed: seedR })
  assert.equal(sp.type, 'seal-proof')
  const pub = {
    replicaId: fromHex(info.replicaId),
    commD: fromHex(info.commD),
    commR: fromHex(info.commR),
    seed: seedR,
  }
  assert.ok(sp.type === 'seal-proof' && verifySeal(params, pub, sp.proof, hash))
  assert.ok(![...files.store.keys()].some((k) => k.includes('layer-')), 'temporaries removed')

  const sector = { sector: 3, sectorSize: params.sectorSize, commR: fromHex(info.commR) }
  const win = { randomness: rng.bytes(32), prevDigest: rng.bytes(32) }
  const w = await p.call({ type: 'window-post', ...win, sectors: [sector] })
  assert.deepEqual(w.type === 'window-post' && w.faulty, [])
  const pubSector = { sectorNumber: 3, sectorSize: params.sectorSize, commR: sector.commR }
  assert.ok(w.type === 'window-post' && verifyWindow(DEFAULT_POST, win, [pubSector], w.proof, hash))

  const u = await p.call({ type: 'unseal', sector: 3, offset: 1000, length: 3000 })
  assert.deepEqual(u.type === 'unsealed' && u.bytes, data.subarray(1000, 4000))

  files.store.delete(`s3/${FILES.replica}`)
  const w2 = await p.call({ type: 'window-post', ...win, sectors: [sector] })
  assert.ok(w2.type === 'window-post')
  assert.deepEqual(w2.type === 'window-post' && w2.faulty.map((f) => f.error.code), ['missing_sector'])
  assert.equal(w2.type === 'window-post' && w2.proof.length, 0)

  await p.call({ type: 'delete', sector: 3 })
  assert.equal(files.store.size, 0)
  await assert.rejects(p.call({ type: 'seal', sector: 3, params, provider, ticket }), /missing_sector/)
})
