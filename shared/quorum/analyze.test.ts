// Checks the analyses against the fbas_analyzer results for the four Stellar snapshots, on
// hand-made FBASs, and against a brute-force reference on random small FBASs.
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { performance as clock } from 'node:perf_hooks'
import { test } from 'node:test'
import { createRng, type Rng } from '../util/prng.ts'
import { analyzeFbas, type FbasAnalysis } from './analyze.ts'
import { buildFbas, type Fbas, type IndexQuorumSet } from './fbas.ts'
import { fbasFromStellarbeat } from './read.ts'

const DATA = new URL('./test/fbas/', import.meta.url)

const load = (file: string): Fbas => {
  const r = fbasFromStellarbeat(JSON.parse(readFileSync(new URL(file, DATA), 'utf8')))
  assert.ok(r.ok)
  return r.value
}

const analyse = (fbas: Fbas, scope: 'core' | 'all' = 'core'): FbasAnalysis => {
  const r = analyzeFbas(fbas, { splittingScope: scope })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}

test('correct_trivial.json and broken_trivial.json: quorum intersection as fbas_analyzer finds it', () => {
  const ok = analyse(load('correct_trivial.json'))
  assert.equal(ok.intersection, true)
  assert.deepEqual(ok.minimalQuorums, [
    [0, 1],
    [0, 2],
    [1, 2],
  ])
  const broken = analyse(load('broken_trivial.json'))
  assert.equal(broken.intersection, false)
  assert.deepEqual(broken.minimalQuorums, [[0], [1, 2]])
  assert.deepEqual(broken.minimalSplittingSets, [[]])
})

test('correct.json: the SDF triangle is the top tier, and Eno (4) can split though outside it', () => {
  const t0 = clock.now()
  const a = analyse(load('correct.json'))
  const ms = clock.now() - t0
  const pairs = [
    [0, 1],
    [0, 10],
    [1, 10],
  ]
  assert.equal(a.intersection, true)
  assert.deepEqual(a.minimalQuorums, pairs)
  assert.deepEqual(a.minimalBlockingSets, pairs)
  assert.deepEqual(a.minimalSplittingSets, [[0], [1], [4], [10]])
  assert.deepEqual(a.topTier, [0, 1, 10])
  console.log(`correct.json (74 nodes) analysed in ${ms.toFixed(1)} ms`)
})

test('broken.json: no intersection, so the empty set splits', () => {
  const a = analyse(load('broken.json'))
  assert.equal(a.intersection, false)
  assert.deepEqual(a.minimalBlockingSets, [
    [3, 4],
    [4, 10],
    [3, 6, 10],
  ])
  assert.deepEqual(a.topTier, [3, 4, 6, 10])
  assert.deepEqual(a.minimalSplittingSets, [[]])
})

// --- hand-made systems --------------------------------------------------------------------

const flat = (threshold: number, validators: number[]): IndexQuorumSet => ({
  threshold,
  validators,
  inner: [],
})

test('4 nodes trusting each other with threshold 3: any 2 split, any 2 block', () => {
  const q = flat(3, [0, 1, 2, 3])
  const a = analyse(buildFbas(['a', 'b', 'c', 'd'], [q, q, q, q]))
  const pairs = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
  ]
  assert.equal(a.intersection, true)
  assert.equal(a.minimalQuorums.length, 4)
  assert.deepEqual(a.minimalBlockingSets, pairs)
  assert.deepEqual(a.minimalSplittingSets, pairs)
})

test('no quorum at all: not intersecting (as fbas_analyzer), the empty set blocks', () => {
  const a = analyse(buildFbas(['a', 'b'], [flat(2, [0, 1]), flat(1, [])]))
  assert.equal(a.intersection, false)
  assert.deepEqual(a.minimalQuorums, [])
  assert.deepEqual(a.minimalBlockingSets, [[]])
  assert.deepEqual(a.minimalSplittingSets, [])
})

test('a node that is not in its own slices is not in the minimal quorum it relies on', () => {
  const q = flat(2, [1, 2])
  const a = analyse(buildFbas(['n0', 'n1', 'n2'], [q, q, q]))
  assert.deepEqual(a.minimalQuorums, [[1, 2]])
})

test('nested quorum sets: organisations of three, two of each needed, three of four organisations', () => {
  const orgs = [0, 1, 2, 3].map((o) => flat(2, [3 * o, 3 * o + 1, 3 * o + 2]))
  const q: IndexQuorumSet = { threshold: 3, validators: [], inner: orgs }
  const a = analyse(
    buildFbas(
      Array.from({ length: 12 }, (_, i) => `v${i}`),
      Array(12).fill(q),
    ),
  )
  assert.equal(a.intersection, true)
  assert.equal(a.minimalQuorums.length, 4 * 27) // 3 orgs of 4, 2 nodes of 3 in each
  assert.equal(a.minimalBlockingSets.length, 6 * 9) // 2 orgs, 2 nodes in each
  assert.equal(a.minimalSplittingSets.length, 6 * 9) // 2 orgs (the overlap of two quorums)
  assert.equal(a.topTier.length, 12)
})

// --- brute-force reference on random small systems ----------------------------------------

const satisfied = (q: IndexQuorumSet, present: (v: number) => boolean): boolean =>
  q.validators.filter(present).length + q.inner.filter((i) => satisfied(i, present)).length >= q.threshold

const subsets = (items: number[]): number[][] =>
  items.reduce<number[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]])

const minimalOf = (sets: number[][]): number[][] =>
  sets.filter((s) => !sets.some((t) => t.length < s.length && t.every((v) => s.includes(v))))

const sortSets = (sets: number[][]): number[][] =>
  sets
    .map((s) => [...s].sort((a, b) => a - b))
    .sort((a, b) => a.length - b.length || String(a).localeCompare(String(b)))

/** Quorums of the FBAS whose `help` nodes count as present, among `members`. */
const quorumsOf = (qs: readonly IndexQuorumSet[], members: number[], help: number[]): number[][] =>
  subsets(members).filter(
    (s) => s.length > 0 && s.every((v) => satisfied(qs[v]!, (w) => s.includes(w) || help.includes(w))),
  )

const disjointPair = (quorums: number[][]): boolean =>
  quorums.some((a) => quorums.some((b) => !a.some((v) => b.includes(v))))

const reference = (qs: readonly IndexQuorumSet[], scope: 'core' | 'all') => {
  const n = qs.length
  const all = [...Array(n).keys()]
  const quorums = quorumsOf(qs, all, [])
  const minimal = minimalOf(quorums)
  const blocking = minimalOf(subsets(all).filter((b) => !quorums.some((q) => q.every((v) => !b.includes(v)))))
  let system = qs
  if (scope === 'core') {
    // core: satisfiable nodes in strongly connected components of the trust graph holding a quorum
    const sat = all.filter((v) => quorums.some((q) => q.includes(v)))
    const reach = all.map((v) => all.map((w) => v === w))
    const trusts = (q: IndexQuorumSet): number[] => [...q.validators, ...q.inner.flatMap(trusts)]
    for (const v of sat) for (const w of trusts(qs[v]!)) if (sat.includes(w)) reach[v]![w] = true
    for (const k of all)
      for (const i of all) for (const j of all) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true
    const core = sat.filter((v) =>
      quorums.some((q) => q.every((w) => sat.includes(w) && reach[v]![w] && reach[w]![v])),
    )
    const keep = (q: IndexQuorumSet): IndexQuorumSet => ({
      threshold: q.threshold,
      validators: q.validators.filter((v) => core.includes(v)),
      inner: q.inner.map(keep),
    })
    system = qs.map((q, v) => (core.includes(v) ? keep(q) : flat(1, [])))
  }
  const splitting = minimalOf(
    subsets(all).filter((s) =>
      disjointPair(
        quorumsOf(
          system,
          all.filter((v) => !s.includes(v)),
          s,
        ),
      ),
    ),
  )
  return {
    intersection: quorums.length > 0 && !disjointPair(quorums),
    topTier: [...new Set(minimal.flat())].sort((a, b) => a - b),
    minimalQuorums: sortSets(minimal),
    minimalBlockingSets: sortSets(blocking),
    minimalSplittingSets: sortSets(splitting),
  }
}

const randomQset = (rng: Rng, n: number, depth: number): IndexQuorumSet => {
  const validators = Array.from({ length: rng.int(4) }, () => rng.int(n))
  const inner = depth < 2 && rng.int(3) === 0 ? [randomQset(rng, n, depth + 1)] : []
  return { threshold: rng.int(validators.length + inner.length + 2), validators, inner }
}

const randomFbas = (rng: Rng): IndexQuorumSet[] => {
  const n = 1 + rng.int(6)
  return Array.from({ length: n }, () => (rng.int(8) === 0 ? flat(1, []) : randomQset(rng, n, 0)))
}

test('random small FBASs agree with a brute-force reference', () => {
  const seed = Number(process.env['SEED'] ?? randomInt(2 ** 31 - 1))
  console.log(`quorum brute-force seed: ${seed} (replay with SEED=${seed})`)
  const rng = createRng(seed)
  for (let i = 0; i < 400; i++) {
    const qs = randomFbas(rng)
    const scope = i % 2 === 0 ? 'core' : 'all'
    const fbas = buildFbas(
      qs.map((_, v) => `n${v}`),
      qs,
    )
    assert.deepEqual(
      analyse(fbas, scope),
      reference(qs, scope),
      `SEED=${seed} case ${i} (${scope}): ${JSON.stringify(qs)}`,
    )
  }
})

test('a pathological input ends with too_large, not a hang', () => {
  const n = 60
  const q = flat(31, [...Array(n).keys()])
  const r = analyzeFbas(
    buildFbas(
      Array.from({ length: n }, (_, i) => `v${i}`),
      Array(n).fill(q),
    ),
    { maxSteps: 100_000 },
  )
  assert.equal(r.ok, false)
  assert.equal(!r.ok && r.error.code, 'too_large')
})
