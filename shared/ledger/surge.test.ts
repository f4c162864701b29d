import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { compareFeeRate, type SurgeCandidate, selectBySurgePricing } from './surge.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`surge seed: ${seed} (replay with SEED=${seed})`)

const cand = (
  source: string,
  seq: bigint,
  fee: bigint,
  opCount: number,
  h: number,
  size = 200,
): SurgeCandidate => ({
  source,
  hash: new Uint8Array([h >> 8, h & 0xff]),
  opCount,
  bytes: { length: size },
  tx: { body: { seq, fee } },
})

/**
 * The specification, written the slow way: repeatedly take the best eligible head; a source
 * whose head does not fit the operations or the bytes left is done.
 */
const reference = (
  txs: SurgeCandidate[],
  cap: number,
  maxBytes = Number.POSITIVE_INFINITY,
): SurgeCandidate[] => {
  const queues = new Map<string, SurgeCandidate[]>()
  for (const t of txs) queues.set(t.source, [...(queues.get(t.source) ?? []), t])
  for (const q of queues.values()) q.sort((a, b) => Number(a.tx.body.seq - b.tx.body.seq))
  const out: SurgeCandidate[] = []
  let used = 0
  let bytes = 0
  for (;;) {
    const heads = [...queues.values()].filter((q) => q.length > 0).map((q) => q[0]!)
    if (heads.length === 0) return out
    heads.sort(compareFeeRate)
    const best = heads[0]!
    const q = queues.get(best.source)!
    if (used + best.opCount > cap || bytes + best.bytes.length > maxBytes) {
      queues.set(best.source, [])
      continue
    }
    used += best.opCount
    bytes += best.bytes.length
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
        const size = 100 + rng.int(8000)
        txs.push(cand(`acct${a}`, BigInt(s), BigInt(ops * (100 + rng.int(5) * 50)), ops, h++, size))
      }
    }
    const shuffled = txs
      .map((t) => [rng.u32(), t] as const)
      .sort((x, y) => x[0] - y[0])
      .map((x) => x[1])
    const cap = 1 + rng.int(40)
    const maxBytes = rng.int(2) === 0 ? Number.POSITIVE_INFINITY : 1000 + rng.int(40_000)
    const got = selectBySurgePricing(shuffled, cap, Number.POSITIVE_INFINITY, maxBytes)
    assert.deepEqual(got, reference(shuffled, cap, maxBytes), `round ${round} seed ${seed}`)
    assert.ok(got.reduce((n, t) => n + t.opCount, 0) <= cap)
    assert.ok(got.reduce((n, t) => n + t.bytes.length, 0) <= maxBytes)
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
