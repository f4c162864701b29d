// The SCP object's intake and lifecycle: bad input is rejected with a code and counted while
// the node still reaches consensus; watchers follow without emitting; a restarted node
// restores a slot from persisted envelopes and finishes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeEnvelope } from './envelope.ts'
import type { NodeId } from './quorum-set.ts'
import { quorumSetHash } from './quorum-utils.ts'
import {
  ballot,
  confirm,
  externalize,
  makeScenario,
  nominate,
  prepare,
  signed,
  startOnX,
  xValue,
} from './test/scenario.ts'

test('bad input is rejected and counted, and the node still externalizes', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const b1 = ballot(1, xValue)
  const v1 = s.ids[1]!
  const good = signed(prepare(s, v1, b1))
  const badSig = { ...good, signature: good.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) }
  assert.deepEqual(await s.scp.receiveEnvelope(badSig), { status: 'rejected', code: 'bad_signature' })
  const otherQset = quorumSetHash({ threshold: 1, validators: [v1], innerSets: [] })
  const unknown = signed({ ...prepare(s, v1, b1), quorumSetHash: otherQset })
  assert.equal((await s.scp.receiveEnvelope(unknown)).status, 'rejected')
  const absurd = encodeEnvelope(signed(prepare(s, v1, ballot(2 ** 33, xValue))))
  assert.deepEqual(await s.scp.receiveEnvelope(absurd), { status: 'rejected', code: 'absurd_counter' })
  const outsider = signed(prepare(s, 'v9' as NodeId, b1))
  assert.deepEqual(await s.scp.receiveEnvelope(outsider), { status: 'rejected', code: 'outside_slices' })
  const insane = signed(prepare(s, v1, b1, { p: b1, nC: 1, nH: 0 }))
  assert.deepEqual(await s.scp.receiveEnvelope(insane), { status: 'rejected', code: 'insane_statement' })
  const far = signed({ ...prepare(s, v1, b1), slot: 10_000 })
  assert.deepEqual(await s.scp.receiveEnvelope(far), { status: 'rejected', code: 'slot_out_of_range' })
  assert.deepEqual(await s.scp.receiveEnvelope(new Uint8Array([0xff, 0x00, 0x13])), {
    status: 'rejected',
    code: 'malformed',
  })
  assert.deepEqual(await s.scp.receiveEnvelope(new Uint8Array(70_000)), {
    status: 'rejected',
    code: 'oversized',
  })
  const tooManyVotes = signed(
    nominate(
      s,
      v1,
      Array.from({ length: 100 }, (_, i) => new Uint8Array([i])),
    ),
  )
  assert.equal((await s.scp.receiveEnvelope(tooManyVotes)).status, 'rejected')
  assert.deepEqual(s.scp.stats().rejected, {
    bad_signature: 1,
    unknown_qset: 1,
    absurd_counter: 1,
    outside_slices: 1,
    insane_statement: 1,
    slot_out_of_range: 1,
    malformed: 1,
    oversized: 1,
    bad_value: 1,
  })
  // The same node still makes progress with the honest envelopes.
  for (const v of s.ids.slice(1, 4)) await s.recv(prepare(s, v, b1, { p: b1, nC: 1, nH: 1 }))
  for (const v of s.ids.slice(1, 4)) await s.recv(confirm(s, v, b1, 1, 1, 1))
  assert.deepEqual(s.externalized, [xValue])
})

test('stale and duplicate envelopes are ignored, not rejected', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const v1 = s.ids[1]!
  assert.equal(await s.recv(prepare(s, v1, ballot(2, xValue))), 'accepted')
  assert.equal(await s.recv(prepare(s, v1, ballot(2, xValue))), 'ignored')
  assert.equal(await s.recv(prepare(s, v1, ballot(1, xValue))), 'ignored')
  assert.deepEqual(s.scp.stats().rejected, {})
})

test('a watcher follows the quorum to EXTERNALIZE without ever emitting', async () => {
  const s = makeScenario(5, 4, { validator: false })
  assert.equal(s.scp.nominate(1, xValue, new Uint8Array()), false)
  const b1 = ballot(1, xValue)
  for (const v of s.ids.slice(1)) await s.recv(nominate(s, v, [xValue], [xValue]))
  for (const v of s.ids.slice(1)) await s.recv(prepare(s, v, b1, { p: b1, nC: 1, nH: 1 }))
  for (const v of s.ids.slice(1)) await s.recv(confirm(s, v, b1, 1, 1, 1))
  for (const v of s.ids.slice(1)) await s.recv(externalize(s, v, b1, 1))
  assert.deepEqual(s.externalized, [xValue])
  assert.equal(s.emitted.length, 0)
  assert.equal(s.scp.getState(1)?.phase, 'externalize')
})

test('restoring a slot from persisted envelopes resumes where the node stopped', async () => {
  const before = makeScenario(5, 4)
  await startOnX(before)
  const b1 = ballot(1, xValue)
  for (const v of before.ids.slice(1, 4)) await before.recv(prepare(before, v, b1, { p: b1, nC: 1, nH: 1 }))
  await before.scp.flush()
  const saved = before.scp.getState(1)!
  assert.equal(saved.phase, 'confirm')

  const after = makeScenario(5, 4)
  const r = await after.scp.restore(1, saved.envelopes)
  assert.equal(r.rejected, 0)
  assert.equal(r.restored, saved.envelopes.length)
  const st = after.scp.getState(1)!
  assert.equal(st.phase, 'confirm')
  assert.deepEqual(st.ballot.b, saved.ballot.b)
  assert.deepEqual(st.ballot.c, saved.ballot.c)
  assert.equal(after.emitted.length, 0, 'restoring does not re-emit')
  for (const v of after.ids.slice(1, 4)) await after.recv(confirm(after, v, b1, 1, 1, 1))
  assert.deepEqual(after.externalized, [xValue])
  assert.equal((await after.last())?.type, 'externalize')
})

test('purgeSlots forgets old slots and ignores envelopes for them', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  s.scp.purgeSlots(2)
  assert.equal(s.scp.getState(1), undefined)
  assert.equal(await s.recv(prepare(s, s.ids[1]!, ballot(1, xValue))), 'ignored')
})
