// Window PoSt and period proofs: honest proofs verify; stale challenges, another sector, flipped
// bytes fail; a provider missing 1% of its replica fails windows at the predicted rate; a provider
// keeping only unsealed data and sealing on demand misses the deadline.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { loadSha256 } from './hash.ts'
import { buildTree, rootOf } from './merkle.ts'
import {
  DEFAULT_POST,
  NODE_SIZE,
  postDeadlineMs,
  sealParams,
  treeDepth,
  windowCatchProbability,
} from './params.ts'
import {
  type SectorReplica,
  chainStart,
  proveWindow,
  verifyWindow,
  windowChallenges,
  windowProofSize,
} from './post.ts'
import { type PeriodPublic, provePeriod, verifyPeriod } from './post-period.ts'
import { commDOf, commRFrom, commitReplica, labelAll, replicaIdOf, xorInto } from './sealing.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`post tests seed=${seed} (replay with SEED=${seed})`)
const hash = await loadSha256()
const post = DEFAULT_POST
const now = () => Number(process.hrtime.bigint()) / 1e6

const reader = (b: Uint8Array) => (start: number, count: number) =>
  b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)

/** Seals `data` honestly into a provable replica. */
const seal = (
  sectorSize: number,
  sectorNumber: number,
  data: Uint8Array,
  provider: Uint8Array,
  cacheBase = 10,
) => {
  const p = sealParams({ sectorSize })
  const commD = commDOf(p, data, hash)
  const replicaId = replicaIdOf({ provider, sectorNumber, ticket: new Uint8Array(32), commD }, hash)
  const s = labelAll(p, replicaId, hash)
  const replica = data.slice()
  xorInto(replica, s.cur)
  const c = commitReplica(p, replica, s.col, hash)
  const treeR = buildTree(treeDepth(p), reader(replica), hash, cacheBase)
  const sector: SectorReplica = {
    sectorNumber,
    sectorSize,
    commR: c.commR,
    commC: c.commC,
    treeR,
    read: reader(replica),
  }
  return { sector, replica }
}

const rng = createRng(seed)
const provider = rng.bytes(32)
const sectors = [0, 1, 2].map((n) => seal(32 << 10, n, rng.bytes(32 << 10), provider).sector)
const start = chainStart(provider, 0, hash)

test('an honest window verifies; stale, foreign and flipped proofs do not', () => {
  const w = { randomness: rng.bytes(32), prevDigest: start }
  const proof = proveWindow(post, w, sectors, hash)
  assert.equal(proof.length, windowProofSize(post, sectors))
  console.log(`window proof: ${proof.length / sectors.length} bytes per 32 KiB sector`)
  assert.ok(verifyWindow(post, w, sectors, proof, hash), `seed=${seed}`)
  const next = { randomness: rng.bytes(32), prevDigest: rng.bytes(32) }
  assert.ok(!verifyWindow(post, next, sectors, proof, hash), 'stale window accepted')
  assert.ok(
    !verifyWindow(post, { ...w, prevDigest: rng.bytes(32) }, sectors, proof, hash),
    'other chain accepted',
  )
  const other = seal(32 << 10, 0, rng.bytes(32 << 10), rng.bytes(32)).sector
  assert.ok(!verifyWindow(post, w, [other, sectors[1]!, sectors[2]!], proof, hash), 'other replica accepted')
  for (let k = 0; k < 200; k++) {
    const bad = proof.slice()
    bad[rng.int(bad.length)]! ^= 1 << rng.int(8)
    assert.ok(!verifyWindow(post, w, sectors, bad, hash), `flipped byte accepted, seed=${seed}`)
  }
  assert.ok(!verifyWindow(post, w, sectors, proof.subarray(1), hash))
})

test('a provider missing 1% of its replica fails windows at the predicted rate', () => {
  // PoSt sees only the replica and its commitments; random bytes stand in for a sealed replica.
  const replica = rng.bytes(1 << 20)
  const treeR = buildTree(15, reader(replica), hash, 4)
  const commC = rng.bytes(32)
  const sector: SectorReplica = {
    sectorNumber: 9,
    sectorSize: 1 << 20,
    commR: commRFrom(commC, rootOf(treeR), hash),
    commC,
    treeR,
    read: reader(replica),
  }
  // Lose 1% of the replica in 16-node (512-byte) pieces, as lost storage blocks.
  const pieces = replica.length / 512
  const lost = new Set<number>()
  while (lost.size < Math.round(pieces / 100)) lost.add(rng.int(pieces))
  const damaged = replica.slice()
  for (const b of lost) damaged.fill(0, b * 512, (b + 1) * 512)
  const cheat = { ...sector, read: reader(damaged) }
  const fraction = lost.size / pieces
  const predicted = windowCatchProbability(post, fraction)
  const windows = 3000
  let failed = 0
  for (let k = 0; k < windows; k++) {
    const w = { randomness: rng.bytes(32), prevDigest: start }
    if (!verifyWindow(post, w, [sector], proveWindow(post, w, [cheat], hash), hash)) failed++
  }
  const rate = failed / windows
  const sigma = Math.sqrt((predicted * (1 - predicted)) / windows)
  console.log(
    `missing ${(fraction * 100).toFixed(2)}%: failed ${rate.toFixed(4)} predicted ${predicted.toFixed(4)} ±${sigma.toFixed(4)}`,
  )
  assert.ok(Math.abs(rate - predicted) < 4 * sigma, `rate ${rate} vs ${predicted}, seed=${seed}`)
})

test('a period proof verifies, and spot checks catch windows answered without the data', () => {
  const W = 12
  const pubBase = {
    chainStart: start,
    randomness: [...Array(W)].map(() => rng.bytes(32)),
    closing: rng.bytes(32),
    sectors,
  }
  const proofs: Uint8Array[] = []
  let prev = start
  for (let w = 0; w < W; w++) {
    const win = { randomness: pubBase.randomness[w]!, prevDigest: prev }
    proofs.push(proveWindow(post, win, sectors, hash))
    prev = provePeriod(post, { ...pubBase, randomness: pubBase.randomness.slice(0, w + 1) }, proofs, hash)
      .digests[w]!
  }
  const pub: PeriodPublic = pubBase
  const period = provePeriod(post, pub, proofs, hash)
  assert.ok(verifyPeriod(post, { ...pub, posted: period.digests }, period, hash), `seed=${seed}`)
  assert.ok(!verifyPeriod(post, { ...pub, closing: rng.bytes(32) }, period, hash))
  // A provider offline for half the windows fills them with garbage: caught unless no pick lands there.
  const faked = proofs.map((p, w) => (w % 2 === 0 ? p : rng.bytes(p.length)))
  const fp = provePeriod(post, pub, faked, hash)
  const picksAllHonest = verifyPeriod(post, pub, fp, hash)
  console.log(`faked half the windows: period ${picksAllHonest ? 'escaped (p = 2^-8)' : 'caught'}`)
  const opened = fp.openings.map((o) => faked.indexOf(o))
  assert.equal(
    picksAllHonest,
    opened.every((w) => w % 2 === 0),
  )
})

test('keeping only unsealed data and sealing on demand misses the deadline', () => {
  const sectorSize = 512 << 10
  const count = 2
  const datas = [0, 1].map(() => rng.bytes(sectorSize))
  // Reference sealing speed, measured in this run on the honest path.
  const t0 = now()
  const honest = datas.map((d, n) => seal(sectorSize, n, d, provider, 6))
  const sealMsPerMiB = (now() - t0) / count / (sectorSize / (1 << 20))
  const deadline = postDeadlineMs(post, sectorSize, count, sealMsPerMiB)
  const w = { randomness: rng.bytes(32), prevDigest: start }
  proveWindow(
    post,
    { ...w, prevDigest: rng.bytes(32) },
    honest.map((h) => h.sector),
    hash,
  ) // JIT warm-up
  const t1 = now()
  const honestProof = proveWindow(
    post,
    w,
    honest.map((h) => h.sector),
    hash,
  )
  const honestMs = now() - t1
  // The attacker only has the data: it must seal when the challenge arrives.
  const t2 = now()
  const onDemand = datas.map((d, n) => seal(sectorSize, n, d, provider).sector)
  const attackerProof = proveWindow(post, w, onDemand, hash)
  const attackerMs = now() - t2
  console.log(
    `deadline ${deadline.toFixed(0)} ms (seal ${sealMsPerMiB.toFixed(0)} ms/MiB, /${post.attackerSpeedup}); honest ${honestMs.toFixed(1)} ms; on-demand ${attackerMs.toFixed(0)} ms`,
  )
  const sectorsPub = honest.map((h) => h.sector)
  assert.ok(verifyWindow(post, w, sectorsPub, honestProof, hash) && honestMs < deadline)
  assert.ok(
    verifyWindow(post, w, sectorsPub, attackerProof, hash),
    'on-demand sealing gives a valid but late proof',
  )
  assert.ok(attackerMs > deadline, `on-demand sealing beat the deadline, seed=${seed}`)
  assert.ok(windowChallenges(post, w, 0, sectorSize, hash).length === post.challengesPerSector)
})
