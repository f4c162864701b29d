// The UI verdict: intersecting or what is at risk.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NodeId, QuorumSet } from '../scp/quorum-set.ts'
import { analyzeQuorumHealth } from './health.ts'

const id = (s: string) => s as NodeId
const qs = (threshold: number, names: string[]): QuorumSet => ({
  threshold,
  validators: names.map(id),
  innerSets: [],
})
const network = (entries: [string, QuorumSet][]) => new Map(entries.map(([k, v]) => [id(k), v]))

test('4 validators with threshold 3: intersecting, nothing single-point', () => {
  const q = qs(3, ['a', 'b', 'c', 'd'])
  const h = analyzeQuorumHealth(network(['a', 'b', 'c', 'd'].map((n) => [n, q])))
  assert.deepEqual(h, { intersecting: true, minSplittingSet: 2, minBlockingSet: 2 })
})

test('a lone validator is intersecting but one node can halt it', () => {
  const h = analyzeQuorumHealth(network([['a', qs(1, ['a'])]]))
  assert.equal(h.intersecting, true)
  assert.match(h.atRisk ?? '', /^1 node can halt it, e.g. \{a\}/)
})

test('two halves trusting only themselves do not intersect', () => {
  const left = qs(2, ['a', 'b'])
  const right = qs(2, ['c', 'd'])
  const h = analyzeQuorumHealth(
    network([
      ['a', left],
      ['b', left],
      ['c', right],
      ['d', right],
    ]),
  )
  assert.equal(h.intersecting, false)
  assert.equal(h.atRisk, 'disjoint quorums {a, b} and {c, d} can decide differently')
})

test('a threshold of half lets one node split', () => {
  const q = qs(2, ['a', 'b', 'c'])
  const h = analyzeQuorumHealth(network(['a', 'b', 'c'].map((n) => [n, q])))
  assert.equal(h.intersecting, true)
  assert.match(h.atRisk ?? '', /^1 node can split the network/)
})

test('quorum sets that can never be satisfied', () => {
  const h = analyzeQuorumHealth(network([['a', qs(2, ['a', 'nobody'])]]))
  assert.equal(h.intersecting, false)
  assert.match(h.atRisk ?? '', /^no quorum/)
})
