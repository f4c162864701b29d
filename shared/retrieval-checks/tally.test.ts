// The verdict of a sample from its reports, hand-worked (quorum 2 unless said): a strict majority
// decides, two 'ok's agree only on the same leaf, a tie or too few reports decide nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verdictOf } from './tally.ts'

const A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const B = 'bafkreiabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst'

test('a strict majority of the reports decides; ok only when the leaves agree', () => {
  assert.equal(verdictOf([A, A, A], 2), 'ok')
  assert.equal(verdictOf([A, A, 'failed'], 2), 'ok')
  assert.equal(verdictOf(['failed', 'failed', A], 2), 'failed')
  assert.equal(verdictOf([A, B, 'failed'], 2), 'undecided', 'ok split over two leaves')
  assert.equal(verdictOf([A, 'failed'], 2), 'undecided', 'a tie')
  assert.equal(verdictOf([A, A], 2), 'ok')
  assert.equal(verdictOf([A], 2), 'undecided', 'below quorum')
  assert.equal(verdictOf([A], 1), 'ok')
  assert.equal(verdictOf([], 1), 'undecided')
  assert.equal(verdictOf(['failed', 'failed', A, B, B], 3), 'undecided', '2 of 5 is no majority')
})
