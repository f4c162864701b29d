// Quorum set arithmetic: sanity rules, normal form, v-blocking and transitive quorum checks,
// leader weights and hashing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import {
  checkQuorumSet,
  isQuorum,
  isQuorumSlice,
  isVBlocking,
  nodeWeight,
  normalizeQuorumSet,
  parseQuorumSet,
  quorumSetHash,
  UINT64_MAX,
} from './quorum-utils.ts'

const n = (s: string) => s as NodeId
const qs = (threshold: number, validators: string[], innerSets: QuorumSet[] = []): QuorumSet => ({
  threshold,
  validators: validators.map(n),
  innerSets,
})
const has =
  (...xs: string[]) =>
  (x: NodeId) =>
    xs.includes(x)

test('sanity: threshold range, duplicates, depth, size', () => {
  assert.ok(checkQuorumSet(qs(2, ['a', 'b', 'c'])).ok)
  const reason = (q: QuorumSet, strict = false) => {
    const r = checkQuorumSet(q, strict)
    return r.ok ? null : r.error['reason']
  }
  assert.equal(reason(qs(0, ['a'])), 'bad_threshold')
  assert.equal(reason(qs(3, ['a', 'b'])), 'bad_threshold')
  assert.equal(reason(qs(1, ['a'], [qs(1, ['a'])])), 'duplicate_node')
  const deep = qs(1, ['a'], [qs(1, ['b'], [qs(1, ['c'], [qs(1, ['d'], [qs(1, ['e'])])])])])
  assert.equal(reason(deep), 'too_deep')
  const many = qs(
    1,
    Array.from({ length: 1001 }, (_, i) => `n${i}`),
  )
  assert.equal(reason(many), 'too_many_nodes')
  assert.equal(reason(qs(1, ['a', 'b', 'c']), true), 'threshold_below_half')
  assert.ok(parseQuorumSet({ threshold: 1, validators: ['a'], innerSets: [] }).ok)
  assert.equal(parseQuorumSet({ threshold: 1, validators: [1], innerSets: [] }).ok, false)
})

test('untrusted data that is not a quorum set at some level is malformed, never a throw', () => {
  // found by `npm run fuzz` (scp-message) and issue 12: inner sets of {} or null threw inside
  // checkQuorumSet, and validators given as a string passed it
  const reason = (q: unknown) => {
    const r = checkQuorumSet(q)
    return r.ok ? null : r.error['reason']
  }
  const inner = (x: unknown) => ({ threshold: 1, validators: ['a'], innerSets: [x] })
  assert.equal(reason(inner({})), 'malformed')
  assert.equal(reason(inner(null)), 'malformed')
  assert.equal(reason(inner([1])), 'malformed')
  assert.equal(reason(inner({ threshold: 1, validators: 'bc', innerSets: [] })), 'malformed')
  assert.equal(reason(inner({ threshold: 1, validators: ['b'] })), 'malformed')
  assert.equal(reason(inner({ threshold: '1', validators: ['b'], innerSets: [] })), 'malformed')
  assert.equal(reason({ threshold: 1, validators: 'a', innerSets: [] }), 'malformed')
  assert.equal(reason(undefined), 'malformed')
  assert.equal(reason(inner({ threshold: 1, validators: ['b'], innerSets: [] })), null)
})

test('v-blocking and slices on a nested set', () => {
  // 2 of { a, b, {2 of c, d, e} }
  const q = qs(2, ['a', 'b'], [qs(2, ['c', 'd', 'e'])])
  assert.ok(isQuorumSlice(q, has('a', 'b')))
  assert.ok(isQuorumSlice(q, has('a', 'c', 'd')))
  assert.ok(!isQuorumSlice(q, has('a', 'c')))
  // v-blocking needs 2 of the 3 top entries blocked; the inner set is blocked by 2 of c,d,e.
  assert.ok(isVBlocking(q, has('a', 'b')))
  assert.ok(isVBlocking(q, has('a', 'c', 'd')))
  assert.ok(!isVBlocking(q, has('a', 'c')))
  assert.ok(!isVBlocking(q, has()))
})

test('transitive quorum: members whose own slices fail are dropped', () => {
  const local = qs(2, ['a', 'b', 'c'])
  const qsets = new Map<NodeId, QuorumSet>([
    [n('a'), local],
    [n('b'), qs(2, ['b', 'x'])], // b needs x too
    [n('c'), local],
    [n('x'), qs(1, ['x'])],
  ])
  const all = new Map([...qsets.keys()].map((k) => [k, k] as const))
  const qof = (k: NodeId) => qsets.get(k)
  // b's slice needs x: {a, b} collapses (b drops out, then a alone fails).
  assert.ok(!isQuorum(local, all, qof, (k) => k === 'a' || k === 'b'))
  assert.ok(isQuorum(local, all, qof, (k) => k === 'a' || k === 'b' || k === 'x'))
  assert.ok(isQuorum(local, all, qof, (k) => k === 'a' || k === 'c'))
  // A member with no known quorum set never counts.
  assert.ok(
    !isQuorum(
      local,
      all,
      (k) => (k === 'c' ? undefined : qsets.get(k)),
      (k) => k === 'a' || k === 'c',
    ),
  )
})

test('normal form merges singleton inner sets, removes a node and sorts', () => {
  const q = qs(2, ['c', 'a'], [qs(1, ['b'])])
  assert.deepEqual(normalizeQuorumSet(q), qs(2, ['a', 'b', 'c']))
  assert.deepEqual(normalizeQuorumSet(q, n('a')), qs(1, ['b', 'c']))
  assert.deepEqual(normalizeQuorumSet(qs(1, [], [qs(2, ['y', 'x'])])), qs(2, ['x', 'y']))
  assert.equal(quorumSetHash(normalizeQuorumSet(qs(2, ['b', 'a']))), quorumSetHash(qs(2, ['a', 'b'])))
  assert.notEqual(quorumSetHash(qs(2, ['a', 'b'])), quorumSetHash(qs(1, ['a', 'b'])))
})

test('node weight: threshold / entries at each level, integer arithmetic', () => {
  const q = qs(2, ['a', 'b'], [qs(1, ['c', 'd'])])
  assert.equal(nodeWeight(n('a'), q), (UINT64_MAX * 2n) / 3n)
  assert.equal(nodeWeight(n('c'), q), (((UINT64_MAX * 1n) / 2n) * 2n) / 3n)
  assert.equal(nodeWeight(n('z'), q), 0n)
  assert.equal(nodeWeight(n('a'), qs(1, ['a'])), UINT64_MAX)
})
