// Merkle openings from a cached tree verify for every leaf and cache shape, and break on any change.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../util/prng.ts'
import { noble256 } from './hash.ts'
import { buildTree, decodeTreeCache, encodeTreeCache, openPath, rootOf, verifyPath } from './merkle.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`merkle tests seed=${seed} (replay with SEED=${seed})`)

test('openings verify for any cache base; a changed leaf or index does not', () => {
  const rng = createRng(seed)
  for (const depth of [0, 1, 5, 9]) {
    const leaves = rng.bytes(32 << depth)
    const read = (start: number, count: number) => leaves.subarray(start * 32, (start + count) * 32)
    const roots = new Set<string>()
    for (const base of [0, 2, 4, 12]) {
      const t = buildTree(depth, read, noble256, base)
      roots.add(Buffer.from(rootOf(t)).toString('hex'))
      const back = decodeTreeCache(encodeTreeCache(t))
      assert.deepEqual(back, { ...t, levels: t.levels.map((l) => l.slice()) })
      for (let k = 0; k < 8; k++) {
        const i = rng.int(1 << depth)
        const path = openPath(t, i, read, noble256)
        const leaf = read(i, 1)
        assert.ok(verifyPath(rootOf(t), leaf, i, path, depth, noble256), `seed=${seed}`)
        const bad = leaf.slice()
        bad[rng.int(32)]! ^= 1
        assert.ok(!verifyPath(rootOf(t), bad, i, path, depth, noble256))
        if (depth > 0) assert.ok(!verifyPath(rootOf(t), leaf, i ^ 1, path, depth, noble256))
      }
    }
    assert.equal(roots.size, 1, 'the root does not depend on the cache base')
  }
})
