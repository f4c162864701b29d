import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rateLimitedLog } from './log-limit.ts'

test('log lines beyond the rate are dropped and counted in the next window', () => {
  let t = 0
  const lines: string[] = []
  const log = rateLimitedLog(
    (l) => lines.push(l),
    3,
    1000,
    () => t,
  )
  for (let i = 0; i < 10; i++) log(`line ${i}`)
  assert.deepEqual(lines, ['line 0', 'line 1', 'line 2'])
  t = 1000
  log('later')
  assert.deepEqual(lines.slice(3), ['relay log suppressed lines=7', 'later'])
})
