import assert from 'node:assert/strict'
import { test } from 'node:test'
import { twoThirds } from './threshold.ts'

test('twoThirds is the smallest threshold t with 3(n - t) < n, for n = 1..40', () => {
  for (let n = 1; n <= 40; n++) {
    // reference: the most faults f with n >= 3f + 1; a quorum then needs n - f nodes
    let f = 0
    while (n >= 3 * (f + 1) + 1) f++
    assert.equal(twoThirds(n), n - f, `n = ${n}`)
  }
  assert.deepEqual([1, 2, 3, 4, 7, 10].map(twoThirds), [1, 2, 3, 3, 5, 7])
})
