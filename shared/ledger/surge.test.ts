import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { compareFeeRate, type SurgeCandidate, selectBySurgePricing } from './surge.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`surge seed: ${seed} (replay with SEED=${seed})`)

const cand = (source: string, seq: bigint, fee: bigint, opCount: number, h: number): SurgeCandidate => ({
  source,
  hash: new Uint8Array([h >> 8, h & 0xff]),
  opCount,
  tx: { body: { seq, fee } },
})

/** The specification, written the slow way: repeatedly take the best eligible head. */
const reference = (txs: SurgeCandidate[], cap: number): SurgeCandidate[] => {
  const queues = new Map<string, SurgeCandidate[]>()
  for (const t of txs) queues.set(t.source, [...(queues.get(t.source) ?? []), t])
  for (const q of queues.values()) q.sort((a, b) => Number(a.tx.body.seq - b.tx.body.seq))
  const out: SurgeCandidate[] = []
  let used = 0
  for (;;) {
    const heads = [...queues.values()].filter((q) => q.length > 0).map((q) => q[0]!)
    if (heads.length === 0) return out
    heads.sort(compareFeeRate)
    const best = heads[0]!
    const q = queues.get(best.source)!
    if (used + best.opCount > cap) {
      queues.set(best.source, [])
      continue
    }
    used += best.opCount
    out.push(best)
    q.shift()
  }
}

test('surge pricing picks exactly the top fee-per-op set, sequence order kept', () => {
  const rng = createRng(seed)
  for (let round = 0; round < 200; round++) {
    const txs: SurgeCandidate[] = []
    let h = 0
    const accounts = 1 + rng.int(12)
    for (let a = 0; a < accounts; a++) {
      const n = 1 + rng.int(5)
      for (let s = 1; s <= n; s++) {
        const ops = 1 + rng.int(4)
        txs.push(cand(`acct${a}`, BigInt(s), BigInt(ops * (100 + rng.int(5) * 50)), ops, h++))
      }
    }
    const shuffled = txs
      .map((t) => [rng.u32(), t] as const)
      .sort((x, y) => x[0] - y[0])
      .map((x) => x[1])
    const cap = 1 + rng.int(40)
    const got = selectBySurgePricing(shuffled, cap)
    assert.deepEqual(got, reference(shuffled, cap), `round ${round} seed ${seed}`)
    assert.ok(got.reduce((n, t) => n + t.opCount, 0) <= cap)
    const lastSeq = new Map<string, bigint>()
    for (const t of got) {
      assert.equal(t.tx.body.seq, (lastSeq.get(t.source) ?? 0n) + 1n, 'sequence order kept without gaps')
      lastSeq.set(t.source, t.tx.body.seq)
    }
  }
})

test('fee rate is compared exactly and ties go to the lower hash', () => {
  const a = cand('a', 1n, 300n, 3, 2)
  const b = cand('b', 1n, 100n, 1, 1)
  const c = cand('c', 1n, 201n, 2, 3)
  assert.deepEqual(
    selectBySurgePricing([a, b, c], 3).map((t) => t.source),
    ['c', 'b'],
  )
  assert.deepEqual(
    selectBySurgePricing([a, b], 10).map((t) => t.source),
    ['b', 'a'],
  )
})
