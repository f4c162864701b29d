import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rateLimiter } from './rate-limit.ts'

test('a bucket passes a minute of allowance at once, then one per 60/perMinute s', () => {
  const r = rateLimiter(6) // one token per 10 s
  for (let i = 0; i < 6; i++) assert.equal(r.take('a', 0), 0)
  assert.equal(r.take('a', 0), 10_000, 'empty: the next token in 10 s')
  assert.equal(r.take('a', 4_000), 6_000)
  assert.equal(r.take('a', 10_000), 0, 'a token came back at 10 s')
  assert.equal(r.take('b', 10_000), 0, 'another key has its own bucket')
  // a long pause refills to the cap, not beyond
  for (let i = 0; i < 6; i++) assert.equal(r.take('a', 1_000_000), 0)
  assert.ok(r.take('a', 1_000_000) > 0)
})

test('the key table is bounded; the key seen longest ago is forgotten first', () => {
  const r = rateLimiter(1, 3)
  for (const k of ['a', 'b', 'c']) assert.equal(r.take(k, 0), 0)
  assert.ok(r.take('a', 0) > 0, 'a is empty and now the most recent')
  assert.equal(r.take('d', 0), 0)
  assert.equal(r.size(), 3)
  assert.equal(r.take('b', 0), 0, 'b was forgotten: a full bucket again')
  assert.ok(r.take('a', 0) > 0, 'a was kept')
})
