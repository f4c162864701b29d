import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkPresence, PRESENCE_RULES, type PresenceProof } from './presence.ts'

const NOW = 1_800_000_000_000

/** A press held `holdMs`, released `ageMs` before NOW, sampled every 250 ms. */
const press = (holdMs: number, ageMs = 100, over: Partial<PresenceProof> = {}): PresenceProof => {
  const upAt = NOW - ageMs
  const downAt = upAt - holdMs
  const samples: number[] = []
  for (let t = downAt + 250; t < upAt; t += 250) samples.push(t)
  return {
    v: 1,
    pointerType: 'mouse',
    down: { at: downAt, trusted: true },
    up: { at: upAt, trusted: true },
    samples,
    untrusted: 0,
    ...over,
  }
}

const reason = (proof: unknown, lastDownAt = 0) => {
  const r = checkPresence(proof, NOW, lastDownAt)
  return r.ok ? 'ok' : `${r.error.code}:${r.error.reason}`
}

test('a trusted press-and-hold of 1.5 s or more, just released, is accepted once', () => {
  assert.equal(reason(press(1500)), 'ok')
  assert.equal(reason(press(4000)), 'ok')
  const p = press(2000)
  assert.equal(reason(p, p.down.at), 'presence_required:replayed')
})

test('missing, malformed, short, untrusted, unsampled, stale and future proofs are refused', () => {
  assert.equal(reason(undefined), 'presence_required:missing')
  assert.equal(reason({ v: 1 }), 'presence_required:missing')
  assert.equal(reason({ ...press(2000), samples: new Array(1000).fill(NOW) }), 'presence_required:missing')
  assert.equal(reason(press(PRESENCE_RULES.minHoldMs - 1)), 'presence_required:too_short')
  assert.equal(reason(press(PRESENCE_RULES.maxHoldMs + 1)), 'presence_required:too_long')
  const p = press(2000)
  assert.equal(reason({ ...p, down: { ...p.down, trusted: false } }), 'presence_required:untrusted_events')
  assert.equal(reason({ ...p, up: { ...p.up, trusted: false } }), 'presence_required:untrusted_events')
  assert.equal(reason({ ...p, untrusted: 2 }), 'presence_required:untrusted_events')
  assert.equal(reason({ ...p, samples: p.samples.slice(0, 2) }), 'presence_required:too_few_samples')
  assert.equal(reason({ ...p, samples: [...p.samples].reverse() }), 'presence_required:bad_samples')
  assert.equal(reason(press(2000, PRESENCE_RULES.maxAgeMs + 1)), 'presence_required:stale')
  assert.equal(reason(press(2000, -PRESENCE_RULES.maxSkewMs - 1)), 'presence_required:from_the_future')
})
