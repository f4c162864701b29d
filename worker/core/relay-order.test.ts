import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseBootstrap } from './bootstrap.ts'
import { relayOrder } from './relay-order.ts'

const A1 = '/ip4/127.0.0.1/tcp/1/ws/p2p/A'
const A2 = '/ip4/10.0.0.1/tcp/1/ws/p2p/A'
const B = '/ip4/127.0.0.1/tcp/2/ws/p2p/B'
const C = '/dns4/c.example/tcp/443/tls/ws/p2p/C'

test('relays are tried by peer (its addresses together), the remembered one first', () => {
  assert.deepEqual(relayOrder([A1, B, A2, C], undefined), [[A1, A2], [B], [C]])
  assert.deepEqual(relayOrder([A1, B, A2, C], 'C'), [[C], [A1, A2], [B]])
  assert.deepEqual(relayOrder([A1, B], 'gone'), [[A1], [B]], 'a remembered relay no longer listed is ignored')
  assert.deepEqual(relayOrder([], 'A'), [])
})

test('/bootstrap: iceServers keeps well-formed STUN and TURN entries only', () => {
  const r = parseBootstrap({
    network: 'devnet',
    relays: [A1, B],
    iceServers: [
      { urls: 'stun:stun.example:3478' },
      { urls: 'turn:turn.example:3478', username: 'u', credential: 'p' },
      { urls: 'turn:turn.example:3478' },
      { urls: 'http://x' },
      'stun:bare-string',
      null,
    ],
  })
  assert.ok(r.ok)
  assert.deepEqual(r.value.iceServers, [
    { urls: 'stun:stun.example:3478' },
    { urls: 'turn:turn.example:3478', username: 'u', credential: 'p' },
  ])
  assert.deepEqual(r.value.relays, [A1, B])
  const old = parseBootstrap({ network: 'devnet', relays: [A1] })
  assert.ok(old.ok)
  assert.deepEqual(old.value.iceServers, [], 'a relay without iceServers: none')
  const many = parseBootstrap({
    network: 'devnet',
    relays: [],
    iceServers: Array(20).fill({ urls: 'stun:s' }),
  })
  assert.ok(many.ok)
  assert.equal(many.value.iceServers.length, 8)
})
