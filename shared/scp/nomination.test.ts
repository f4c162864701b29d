// Nomination scenarios: round leaders alive (their values are echoed) and dead (a timeout
// moves to the next round and its leaders), accept by quorum / v-blocking, candidates.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { makeScenario, nominate, xValue, yValue, zValue } from './test/scenario.ts'

test('v0 leads: votes its own value, accepts on a quorum, confirms a candidate and starts balloting', async () => {
  const s = makeScenario(5, 4)
  s.priority = (n) => (n === 'v0' ? 100n : 1n)
  assert.equal(s.scp.nominate(1, xValue, new Uint8Array()), true)
  assert.deepEqual(await s.last(), nominate(s, s.ids[0]!, [xValue]))
  for (const v of s.ids.slice(1, 4)) await s.recv(nominate(s, v, [xValue]))
  assert.deepEqual(await s.last(), nominate(s, s.ids[0]!, [xValue], [xValue]))
  for (const v of s.ids.slice(1, 4)) await s.recv(nominate(s, v, [xValue], [xValue]))
  const st = s.scp.getState(1)!
  assert.deepEqual(st.nomination.candidates, [xValue])
  assert.deepEqual(st.nomination.composite, xValue)
  assert.equal(st.phase, 'prepare')
  assert.ok(!s.timers.has('nomination'), 'nomination timer stopped once a candidate exists')
})

test('leader alive: v0 echoes the leader value instead of its own', async () => {
  const s = makeScenario(5, 4)
  s.priority = (n) => (n === 'v1' ? 100n : 1n)
  assert.equal(s.scp.nominate(1, xValue, new Uint8Array()), false, 'not a leader: nothing to vote yet')
  assert.deepEqual(s.scp.getState(1)?.nomination.leaders, ['v1'])
  await s.recv(nominate(s, s.ids[1]!, [yValue]))
  assert.deepEqual(await s.last(), nominate(s, s.ids[0]!, [yValue]))
  // Non-leaders' values are not echoed.
  await s.recv(nominate(s, s.ids[2]!, [zValue]))
  assert.deepEqual(s.scp.getState(1)?.nomination.votes, [yValue])
})

test('leader dead: the timeout starts round 2 whose leader is v0, which then votes its value', async () => {
  const s = makeScenario(5, 4)
  s.priority = (n, round) => (n === (round === 1 ? 'v1' : 'v0') ? 100n : 1n)
  s.scp.nominate(1, xValue, new Uint8Array())
  assert.equal((await s.statements()).length, 0)
  assert.equal(s.timers.get('nomination')?.ms, 1000)
  await s.fire('nomination')
  assert.equal(s.scp.getState(1)?.nomination.round, 2)
  assert.deepEqual(await s.last(), nominate(s, s.ids[0]!, [xValue]))
  assert.equal(s.timers.get('nomination')?.ms, 2000, 'timeout grows: initial + (round-1) * increment')
})

test('a v-blocking set accepting a value makes v0 accept it; invalid values are not accepted', async () => {
  const s = makeScenario(5, 4)
  s.priority = (n) => (n === 'v0' ? 100n : 1n)
  s.validity.set('z-value', 'invalid')
  s.scp.nominate(1, xValue, new Uint8Array())
  for (const v of s.ids.slice(1, 3)) await s.recv(nominate(s, v, [yValue, zValue], [yValue, zValue]))
  const st = s.scp.getState(1)!
  assert.deepEqual(st.nomination.accepted, [yValue])
  assert.deepEqual(st.nomination.votes, [xValue, yValue])
})
