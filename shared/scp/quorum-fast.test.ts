// The fast paths behind SCP's speed (issue 5) must not change a verdict: isQuorum (early exit,
// one slice test per shared quorum set object) against the plain fixed point on random trust
// graphs, and the per-object envelope and signing-bytes memos.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { parseEnvelope, signingBytes } from './envelope.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { isQuorum, isQuorumSlice } from './quorum-utils.ts'
import type { Statement } from './statement.ts'

/** The textbook fixed point, with no shortcut: the reference the fast isQuorum must match. */
const plainIsQuorum = (
  local: QuorumSet,
  latest: ReadonlyMap<NodeId, number>,
  qsetOf: (s: number) => QuorumSet | undefined,
  filter: (s: number) => boolean,
): boolean => {
  let members = new Set([...latest].filter(([, s]) => filter(s)).map(([n]) => n))
  for (;;) {
    const next = new Set(
      [...members].filter((n) => {
        const q = qsetOf(latest.get(n)!)
        return q !== undefined && isQuorumSlice(q, (x) => members.has(x))
      }),
    )
    if (next.size === members.size) return isQuorumSlice(local, (x) => members.has(x))
    members = next
  }
}

const NODES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as NodeId[]
const qsetArb: fc.Arbitrary<QuorumSet> = fc
  .tuple(fc.subarray(NODES, { minLength: 1 }), fc.subarray(NODES.slice(3), { minLength: 1 }))
  .chain(([outer, inner]) =>
    fc.record({
      threshold: fc.integer({ min: 1, max: outer.length + 1 }),
      validators: fc.constant(outer),
      innerSets: fc
        .integer({ min: 1, max: inner.length })
        .map((t) => [{ threshold: t, validators: inner, innerSets: [] }]),
    }),
  )

test('isQuorum agrees with the plain fixed point (shared and distinct quorum set objects)', () => {
  fc.assert(
    fc.property(
      fc.array(qsetArb, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { minLength: NODES.length, maxLength: NODES.length }),
      fc.array(fc.boolean(), { minLength: NODES.length, maxLength: NODES.length }),
      fc.nat(),
      (pool, pick, votes, localPick) => {
        // Several nodes share one quorum set object, as in a core topology.
        const latest = new Map(NODES.map((n, i) => [n, i] as const))
        const qsetOf = (i: number) => (i === 6 ? undefined : pool[pick[i]! % pool.length])
        const filter = (i: number) => votes[i]!
        const local = pool[localPick % pool.length]!
        assert.equal(isQuorum(local, latest, qsetOf, filter), plainIsQuorum(local, latest, qsetOf, filter))
      },
    ),
    { seed: 5, numRuns: 500 },
  )
})

test('envelope and signing-bytes memos: same object, same answer; other limits or network re-checked', () => {
  const st = {
    type: 'externalize',
    nodeId: 'n1',
    slot: 3,
    commit: { counter: 1, value: new Uint8Array(100) },
    nH: 1,
    commitQuorumSetHash: 'bafyreigdxksbfv7rpwxzomb653gbsrp25s6dpemskaf23muurnpe4fsbbi',
  }
  const env = { statement: st, signature: new Uint8Array(64) }
  const lim = { maxValueBytes: 4096, maxNominationValues: 64 }
  const first = parseEnvelope(env, lim)
  assert.ok(first.ok)
  assert.equal(parseEnvelope(env, { ...lim }), first)
  // The memo never hides a limit: a smaller value bound rejects the same object.
  assert.equal(parseEnvelope(env, { ...lim, maxValueBytes: 50 }).ok, false)
  const s = first.value.statement as Statement
  const a = signingBytes(new Uint8Array([1]), s)
  assert.equal(signingBytes(new Uint8Array([1]), s), a)
  const b = signingBytes(new Uint8Array([2]), s)
  assert.notDeepEqual(b, a)
})
