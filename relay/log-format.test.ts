import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jsonLogLine, textLogLine } from './log-format.ts'

const t = new Date('2026-01-02T03:04:05.000Z')

test('--log-format json: one JSON object per line, words as msg, key=value as fields', () => {
  assert.deepEqual(JSON.parse(jsonLogLine('relay http client-error code=HPE_INVALID', t)), {
    time: '2026-01-02T03:04:05.000Z',
    level: 'warn',
    msg: 'http client-error',
    code: 'HPE_INVALID',
  })
  const line = 'relay p2p connect peer=12D3x bytes=512 error="a b \\"c\\"" time=7'
  assert.deepEqual(JSON.parse(jsonLogLine(line, t)), {
    time: '2026-01-02T03:04:05.000Z',
    level: 'info',
    msg: 'p2p connect',
    peer: '12D3x',
    bytes: 512,
    error: 'a b "c"',
    _time: 7,
  })
  assert.equal(jsonLogLine(line, t).includes('\n'), false)
  assert.equal(textLogLine('relay x', t), '2026-01-02T03:04:05.000Z relay x')
})
