import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { bytesEqual } from '../util/bytes.ts'
import {
  keyHashOf,
  leafHash,
  makeLeaf,
  nodeHash,
  rootFromPath,
  trieDelete,
  trieGet,
  trieInsert,
  trieLeaves,
  valueHashOf,
  triePath,
  type TrieChange,
  type TrieNode,
  trieUpdate,
} from './trie.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`trie seed: ${seed} (replay with SEED=${seed})`)

const build = (entries: [string, unknown][]): TrieNode | null => {
  let t: TrieNode | null = null
  for (const [k, v] of entries) t = trieInsert(t, makeLeaf(k, v))
  return t
}

test('root depends only on the entry set, and old versions stay intact', () => {
  const rng = createRng(seed)
  const entries: [string, unknown][] = Array.from({ length: 300 }, (_, i) => [`k${i}`, { v: i }])
  const a = build(entries)
  const shuffled = [...entries].sort(() => rng.int(3) - 1)
  const b = build(shuffled)
  assert.ok(bytesEqual(nodeHash(a), nodeHash(b)))
  const rootA = nodeHash(a)
  const c = trieInsert(a, makeLeaf('k5', { v: 'changed' }))
  assert.ok(!bytesEqual(nodeHash(c), rootA))
  assert.ok(bytesEqual(nodeHash(a), rootA), 'path copying keeps the old version')
  assert.deepEqual(trieGet(a, keyHashOf('k5'))?.value, { v: 5 })
})

test('deleting returns to the canonical shape of the smaller set', () => {
  const rng = createRng(seed ^ 1)
  const keys = Array.from({ length: 200 }, (_, i) => `x${i}`)
  let t = build(keys.map((k) => [k, 1]))
  const kept = new Set(keys)
  for (let i = 0; i < 150; i++) {
    const k = rng.pick(keys)
    t = trieDelete(t, keyHashOf(k))
    kept.delete(k)
  }
  const fresh = build([...kept].map((k) => [k, 1]))
  assert.ok(bytesEqual(nodeHash(t), nodeHash(fresh)))
  assert.equal([...trieLeaves(t)].length, kept.size)
  for (const k of kept) t = trieDelete(t, keyHashOf(k))
  assert.equal(t, null)
})

test('every entry has a path that recomputes the root', () => {
  const t = build(Array.from({ length: 500 }, (_, i) => [`p${i}`, i]))
  const root = nodeHash(t)
  for (const leaf of trieLeaves(t)) {
    const path = triePath(t, leaf.keyHash)!
    assert.ok(path.length < 40)
    assert.ok(
      bytesEqual(rootFromPath(leafHash(leaf.keyHash, valueHashOf(leaf.value)), leaf.keyHash, path), root),
    )
  }
  assert.equal(triePath(t, keyHashOf('absent')), undefined)
})

test('batched updates equal one-by-one inserts and deletes, from any starting trie', () => {
  const rng = createRng(seed ^ 7)
  for (let round = 0; round < 60; round++) {
    const start = Array.from({ length: rng.int(80) }, (_, i) => [`s${rng.int(120)}`, i] as [string, unknown])
    let one = build(start)
    const base = one
    const changes: TrieChange[] = []
    for (let i = rng.int(60); i > 0; i--) {
      const key = `s${rng.int(120)}`
      if (rng.int(3) === 0) {
        changes.push({ keyHash: keyHashOf(key), deleted: true })
        one = trieDelete(one, keyHashOf(key))
      } else {
        const leaf = makeLeaf(key, { r: round, i })
        changes.push(leaf)
        one = trieInsert(one, leaf)
      }
    }
    const batched = trieUpdate(base, changes)
    assert.ok(bytesEqual(nodeHash(batched), nodeHash(one)), `round ${round} seed ${seed}`)
    assert.deepEqual(
      [...trieLeaves(batched)].map((l) => l.key),
      [...trieLeaves(one)].map((l) => l.key),
    )
  }
})
