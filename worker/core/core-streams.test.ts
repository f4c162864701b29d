// The core's side of request/response streams, against a host played by the test: answers reach
// the request they belong to (not another), a silent host times out, the number waiting is
// bounded, inbound requests are answered through `reply` with the handler's bytes (empty when it
// throws), and a new host is told every protocol again.
import assert from 'node:assert/strict'
import { mock, test } from 'node:test'
import { createCoreStreams, MAX_PENDING_REQUESTS } from './core-streams.ts'
import type { CoreToHost } from './host-protocol.ts'

const setup = () => {
  const sent: Exclude<CoreToHost, { type: 'start' }>[] = []
  const s = createCoreStreams((m) => sent.push(m))
  const requests = () => sent.filter((m) => m.type === 'request')
  return { s, sent, requests }
}

test('each response resolves its own request; unknown ids are ignored', async () => {
  const { s, requests } = setup()
  const a = s.request('peerA', ['/addr/a'], '/p/1', new Uint8Array([1]))
  const b = s.request('peerB', [], '/p/1', new Uint8Array([2]))
  const [ra, rb] = requests()
  assert.deepEqual([ra?.peerId, ra?.addrs, rb?.peerId], ['peerA', ['/addr/a'], 'peerB'])
  assert.ok(s.onHost({ type: 'response', id: 999, data: new Uint8Array([9]), transport: 'webrtc' }))
  s.onHost({ type: 'response', id: rb!.id, error: 'no_direct_connection' })
  s.onHost({ type: 'response', id: ra!.id, data: new Uint8Array([7]), transport: 'webrtc' })
  assert.deepEqual(await a, { ok: true, data: new Uint8Array([7]), transport: 'webrtc' })
  assert.deepEqual(await b, { ok: false, error: 'no_direct_connection' })
  assert.equal(s.onHost({ type: 'alive' }), false, 'other host messages are not taken')
})

test('a host that never answers: the request times out and its slot is freed', async () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const { s } = setup()
    const all = Array.from({ length: MAX_PENDING_REQUESTS }, () =>
      s.request('p', [], '/p/1', new Uint8Array()),
    )
    assert.deepEqual(await s.request('p', [], '/p/1', new Uint8Array()), {
      ok: false,
      error: 'too_many_requests',
    })
    mock.timers.tick(40_000)
    for (const r of await Promise.all(all)) assert.deepEqual(r, { ok: false, error: 'timeout' })
    const again = s.request('p', [], '/p/1', new Uint8Array())
    mock.timers.tick(40_000)
    assert.deepEqual(await again, { ok: false, error: 'timeout' }, 'room again after the timeouts')
  } finally {
    mock.timers.reset()
  }
})

test('inbound requests are answered with the handler bytes, or empty when it throws', async () => {
  const { s, sent } = setup()
  s.handle('/p/1', async (req) => {
    if (req.data[0] === 0) throw new Error('refused')
    return Uint8Array.from([req.data[0]! * 2, req.transport === 'webrtc' ? 1 : 0])
  })
  assert.deepEqual(sent.at(-1), { type: 'handle', protocol: '/p/1' })
  s.onHost({
    type: 'inbound',
    id: 5,
    protocol: '/p/1',
    peerId: 'x',
    transport: 'webrtc',
    data: new Uint8Array([21]),
  })
  s.onHost({
    type: 'inbound',
    id: 6,
    protocol: '/p/1',
    peerId: 'x',
    transport: 'relay',
    data: new Uint8Array([0]),
  })
  s.onHost({
    type: 'inbound',
    id: 7,
    protocol: '/other',
    peerId: 'x',
    transport: 'webrtc',
    data: new Uint8Array([1]),
  })
  await new Promise((r) => setTimeout(r, 10))
  const replies = sent.filter((m) => m.type === 'reply')
  assert.deepEqual(replies, [
    { type: 'reply', id: 5, data: new Uint8Array([42, 1]) },
    { type: 'reply', id: 6, data: new Uint8Array() },
  ])
  sent.length = 0
  s.resend()
  assert.deepEqual(sent, [{ type: 'handle', protocol: '/p/1' }], 'a new host hears the protocols again')
})
