// The stellarbeat reader follows fbas_analyzer's conventions and refuses malformed input.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NodeId, QuorumSet } from '../scp/quorum-set.ts'
import { fbasFromQuorumSets, fbasFromStellarbeat } from './read.ts'

const node = (publicKey: string, quorumSet?: unknown, extra: Record<string, unknown> = {}) => ({
  publicKey,
  ...(quorumSet === undefined ? {} : { quorumSet }),
  ...extra,
})

test('numbers nodes by position, drops unknown validators, keeps thresholds, nests inner sets', () => {
  const r = fbasFromStellarbeat([
    node('A', {
      threshold: 1,
      validators: [],
      innerQuorumSets: [{ threshold: 2, validators: ['A', 'B', 'C'] }],
    }),
    node('B', { threshold: 3, validators: ['A', 'B', 'ghost'] }, { aFieldWeIgnore: 42 }),
    node('C'),
  ])
  assert.ok(r.ok)
  assert.deepEqual(r.value.names, ['A', 'B', 'C'])
  assert.deepEqual(r.value.qsets[0], {
    threshold: 1,
    validators: [],
    inner: [{ threshold: 2, validators: [0, 1, 2], inner: [] }],
  })
  assert.deepEqual(r.value.qsets[1], { threshold: 3, validators: [0, 1], inner: [] })
  // no quorum set: unsatisfiable
  assert.deepEqual(r.value.qsets[2], { threshold: 1, validators: [], inner: [] })
})

test('inactive nodes count as absent only when asked, keeping the numbering', () => {
  const doc = [
    node('A', { threshold: 1, validators: ['B'] }),
    node('B', { threshold: 1, validators: ['A'] }, { active: false }),
  ]
  const kept = fbasFromStellarbeat(doc)
  assert.ok(kept.ok)
  assert.deepEqual(kept.value.qsets[0]!.validators, [1])
  const dropped = fbasFromStellarbeat(doc, { ignoreInactive: true })
  assert.ok(dropped.ok)
  assert.deepEqual(dropped.value.names, ['A', 'B'])
  assert.deepEqual(dropped.value.qsets[0]!.validators, [])
  assert.deepEqual(dropped.value.qsets[1], { threshold: 1, validators: [], inner: [] })
})

test('malformed documents are refused with bad_input', () => {
  const cases: unknown[] = [
    {},
    [{ name: 'no key' }],
    [node('A', { threshold: -1, validators: [] })],
    [node('A', { threshold: 1.5, validators: [] })],
    [node('A', { threshold: 1, validators: 'A' })],
    [node('A', { threshold: 1, validators: [7] })],
    [node('A', { threshold: 1, validators: [], innerQuorumSets: [5] })],
  ]
  for (const doc of cases) {
    const r = fbasFromStellarbeat(doc)
    assert.equal(r.ok ? 'ok' : r.error.code, 'bad_input', JSON.stringify(doc))
  }
})

test('limits: too deep nesting and too many nodes are refused', () => {
  let q: unknown = { threshold: 1, validators: ['A'] }
  for (let i = 0; i < 10; i++) q = { threshold: 1, validators: [], innerQuorumSets: [q] }
  const deep = fbasFromStellarbeat([node('A', q)])
  assert.equal(!deep.ok && deep.error.code, 'bad_input')
  const many = fbasFromStellarbeat(Array.from({ length: 5001 }, (_, i) => node(`n${i}`)))
  assert.equal(!many.ok && many.error.code, 'too_large')
})

test('reads the quorum sets a node knows, in map order', () => {
  const id = (s: string) => s as NodeId
  const qs: QuorumSet = { threshold: 2, validators: [id('x'), id('y'), id('stranger')], innerSets: [] }
  const r = fbasFromQuorumSets(
    new Map([
      [id('x'), qs],
      [id('y'), qs],
    ]),
  )
  assert.ok(r.ok)
  assert.deepEqual(r.value.names, ['x', 'y'])
  assert.deepEqual(r.value.qsets[1], { threshold: 2, validators: [0, 1], inner: [] })
})
