// Ballot protocol scenarios in the spirit of stellar-core's SCPTests.cpp: 5 nodes with
// threshold 4 (any 2 are v-blocking) and 3 nodes with threshold 2.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ballot,
  confirm,
  externalize,
  makeScenario,
  nominate,
  prepare,
  type Scenario,
  startOnX,
  xValue,
  yValue,
} from './test/scenario.ts'

const quorumOthers = (s: Scenario) => s.ids.slice(1, 4)

/** Drives v0 to PREPARE b=(1,x) p=(1,x) c=h=(1,x). */
const toCommitVote = async (s: Scenario) => {
  await startOnX(s)
  const b1 = ballot(1, xValue)
  for (const v of quorumOthers(s)) await s.recv(prepare(s, v, b1))
  assert.deepEqual(await s.last(), prepare(s, s.ids[0]!, b1, { p: b1 }))
  for (const v of quorumOthers(s)) await s.recv(prepare(s, v, b1, { p: b1 }))
  assert.deepEqual(await s.last(), prepare(s, s.ids[0]!, b1, { p: b1, nC: 1, nH: 1 }))
}

test('5 nodes: prepare, confirm, externalize on a quorum', async () => {
  const s = makeScenario(5, 4)
  await toCommitVote(s)
  const b1 = ballot(1, xValue)
  for (const v of quorumOthers(s)) await s.recv(prepare(s, v, b1, { p: b1, nC: 1, nH: 1 }))
  assert.deepEqual(await s.last(), confirm(s, s.ids[0]!, b1, 1, 1, 1))
  assert.equal(s.scp.getState(1)?.phase, 'confirm')
  for (const v of quorumOthers(s)) await s.recv(confirm(s, v, b1, 1, 1, 1))
  assert.deepEqual(await s.last(), externalize(s, s.ids[0]!, b1, 1))
  assert.deepEqual(s.externalized, [xValue])
  assert.equal(s.scp.getState(1)?.phase, 'externalize')
})

test('5 nodes: fewer than a quorum does not move v0', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const before = (await s.statements()).length
  for (const v of s.ids.slice(1, 3)) await s.recv(prepare(s, v, ballot(1, xValue)))
  assert.equal((await s.statements()).length, before)
})

test('5 nodes: v-blocking set accepts commit, v0 jumps to CONFIRM', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const b1 = ballot(1, xValue)
  for (const v of s.ids.slice(1, 3)) await s.recv(confirm(s, v, b1, 1, 1, 1))
  const st = await s.last()
  assert.equal(st?.type, 'confirm')
  assert.deepEqual(st, confirm(s, s.ids[0]!, b1, 1, 1, 1))
})

test('5 nodes: v-blocking set ahead bumps the counter; conflicting prepared ballots fill p and p-prime', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const b1 = ballot(1, xValue)
  for (const v of quorumOthers(s)) await s.recv(prepare(s, v, b1))
  // v1, v2 (v-blocking) accepted (2,y) prepared: v0 accepts it too, keeps (1,x) as p', bumps to 2.
  const y2 = ballot(2, yValue)
  for (const v of s.ids.slice(1, 3)) await s.recv(prepare(s, v, y2, { p: y2 }))
  assert.deepEqual(await s.last(), prepare(s, s.ids[0]!, ballot(2, xValue), { p: y2, pp: b1 }))
})

test('5 nodes: accepting an incompatible higher prepared ballot aborts the commit vote', async () => {
  const s = makeScenario(5, 4)
  await toCommitVote(s)
  const y2 = ballot(2, yValue)
  for (const v of s.ids.slice(1, 3)) await s.recv(prepare(s, v, y2, { p: y2 }))
  const st = await s.last()
  assert.equal(st?.type, 'prepare')
  if (st?.type !== 'prepare') return
  assert.deepEqual(st.prepared, y2)
  assert.deepEqual(st.preparedPrime, ballot(1, xValue))
  assert.equal(st.nC, 0, 'c cleared')
})

test('5 nodes: timeout bumps the ballot but stays locked on the confirmed-prepared value', async () => {
  const s = makeScenario(5, 4)
  await toCommitVote(s)
  assert.ok(s.timers.has('ballot'), 'heard from a quorum at counter 1: ballot timer armed')
  assert.equal(s.timers.get('ballot')?.ms, 1000)
  await s.fire('ballot')
  const b1 = ballot(1, xValue)
  assert.deepEqual(await s.last(), prepare(s, s.ids[0]!, ballot(2, xValue), { p: b1, nC: 1, nH: 1 }))
  assert.ok(!s.timers.has('ballot'), 'no timer until a quorum is heard at counter 2')
  // A quorum at counter 2 proposing y: v0 re-arms and, on timeout, still bumps on x (h locks it).
  for (const v of quorumOthers(s)) await s.recv(prepare(s, v, ballot(2, yValue)))
  assert.equal(s.timers.get('ballot')?.ms, 2000)
  await s.fire('ballot')
  assert.deepEqual(s.scp.getState(1)?.ballot.b, ballot(3, xValue))
})

test('5 nodes: a v-blocking EXTERNALIZE plus a quorum externalizes a node that never voted', async () => {
  const s = makeScenario(5, 4)
  await startOnX(s)
  const y3 = ballot(3, yValue)
  for (const v of quorumOthers(s)) await s.recv(externalize(s, v, y3, 3))
  assert.deepEqual(s.externalized, [yValue])
})

test('3 nodes (threshold 2): externalize with one peer', async () => {
  const s = makeScenario(3, 2)
  s.priority = (n) => (n === 'v0' ? 100n : 1n)
  s.scp.nominate(1, xValue, new Uint8Array())
  await s.recv(nominate(s, s.ids[1]!, [xValue]))
  await s.recv(nominate(s, s.ids[1]!, [xValue], [xValue]))
  const b1 = ballot(1, xValue)
  await s.recv(prepare(s, s.ids[1]!, b1))
  await s.recv(prepare(s, s.ids[1]!, b1, { p: b1 }))
  await s.recv(prepare(s, s.ids[1]!, b1, { p: b1, nC: 1, nH: 1 }))
  await s.recv(confirm(s, s.ids[1]!, b1, 1, 1, 1))
  assert.deepEqual(s.externalized, [xValue])
  const types = (await s.statements()).map((x) => x.type)
  assert.deepEqual(types.slice(-2), ['confirm', 'externalize'])
})
