import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { parseCli } from './cli-args.ts'
import { getJson, kill, spawnRelay, waitFor } from './testing/helpers.ts'

test('the relay process prints where it listens, serves, and exits 0 on SIGTERM', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watt-main-'))
  const genesisFile = path.join(dir, 'genesis.json')
  await writeFile(genesisFile, JSON.stringify({ network: 'clinet', closeInterval: 1 }))
  // env names the network, the flag overrides env for the port
  const r = spawnRelay(['--port', '0', '--ws-port=0', '--genesis', genesisFile], {
    WATT_NETWORK: 'clinet',
    PORT: '1',
  })
  try {
    // generous: a loaded 2-core CI box can take many seconds to load libp2p
    // the address lines follow the listening line, possibly in a later chunk of output
    const wsAddr = /\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3/
    await waitFor(
      'listening and address lines',
      () => r.out().includes('WATT relay listening') && wsAddr.test(r.out()),
      60_000,
    )
    const m = /WATT relay listening on (http:\/\/127\.0\.0\.1:\d+) \(network clinet\)/.exec(r.out())
    assert.ok(m?.[1], r.out())
    const url = m[1]
    assert.equal(((await getJson(url, '/health')).json as { status: string }).status, 'ok')
    assert.deepEqual((await getJson(url, '/genesis')).json, { network: 'clinet', closeInterval: 1 })
    r.child.kill('SIGTERM')
    assert.equal(await r.exited, 0, r.err())
  } finally {
    kill(r.child)
    await rm(dir, { recursive: true, force: true })
  }
})

test('unknown flags exit 2 with a clear message', async () => {
  const r = spawnRelay(['--bogus'])
  try {
    assert.equal(await r.exited, 2)
    assert.match(r.err(), /unknown option "--bogus"/)
  } finally {
    kill(r.child)
  }
})

test('parseCli: flags beat env, numbers are checked, values are required', () => {
  const env = { HOST: '0.0.0.0', PORT: '9000', WS_PORT: '9001', WATT_NETWORK: 'envnet' }
  const a = parseCli(['--port', '7000', '--network=flagnet', '--static', 'dist'], env)
  assert.ok(a.ok)
  assert.deepEqual(
    { ...a.value },
    {
      host: '0.0.0.0',
      port: 7000,
      wsPort: 9001,
      network: 'flagnet',
      staticDir: 'dist',
      genesisFile: undefined,
      quorumSetFile: undefined,
      maxConnections: undefined,
      httpSocketsPerIp: undefined,
      wsSocketsPerIp: undefined,
      httpRequestsPerIpPerMinute: undefined,
      wsConnectionsPerIpPerMinute: undefined,
      maxReservations: undefined,
      reservationsPerIp: undefined,
      dataDir: undefined,
      tlsCertFile: undefined,
      tlsKeyFile: undefined,
      logFormat: undefined,
      announce: [],
      peers: [],
      stun: [],
      turn: [],
      devnet: false,
      help: false,
    },
  )
  const b = parseCli(['--devnet', '--ws-sockets-per-ip', '8', '--http-sockets-per-ip=16'], {})
  assert.ok(b.ok)
  assert.deepEqual([b.value.devnet, b.value.wsSocketsPerIp, b.value.httpSocketsPerIp], [true, 8, 16])
  const c = parseCli(
    ['--peer', '/a', '--peer=/b', '--stun', 'stun:s:3478', '--turn', 'turn:t:3478,u,p', '--announce', '/x'],
    {},
  )
  assert.ok(c.ok)
  assert.deepEqual(
    [c.value.peers, c.value.stun, c.value.turn, c.value.announce],
    [['/a', '/b'], ['stun:s:3478'], ['turn:t:3478,u,p'], ['/x']],
  )
  const bad: [string[], Record<string, string>, RegExp][] = [
    [['--tls-cert', 'c.pem'], {}, /go together/],
    [['--log-format', 'xml'], {}, /text or json/],
    [['--turn', 'turn:t:3478'], {}, /URL,USER,CRED/],
    [Array.from({ length: 17 }, () => ['--peer', '/a']).flat(), {}, /at most 16 times/],
    [['--port', 'eighty'], {}, /whole number/],
    [['--port'], {}, /needs a value/],
    [['--nope'], {}, /unknown option/],
    [['stray'], {}, /unknown option/],
    [[], { PORT: '-1' }, /env PORT/],
  ]
  for (const [argv, e, message] of bad) {
    const r = parseCli(argv, e)
    assert.equal(r.ok, false, argv.join(' '))
    if (!r.ok) {
      assert.equal(r.error.code, 'relay/usage')
      assert.match(r.error.message ?? '', message)
    }
  }
  const help = parseCli(['--help'], {})
  assert.ok(help.ok && help.value.help)
})

test('a genesis with a faucet secret needs --devnet: refused (exit 1) without it, served with it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watt-faucet-'))
  const genesisFile = path.join(dir, 'genesis.json')
  const genesis = { network: 'devnet', faucetSecret: 'cd'.repeat(32) }
  await writeFile(genesisFile, JSON.stringify(genesis))
  const refused = spawnRelay(['--port', '0', '--genesis', genesisFile])
  const served = spawnRelay(['--port', '0', '--genesis', genesisFile, '--devnet'])
  try {
    assert.equal(await refused.exited, 1)
    assert.match(refused.err(), /relay\/bad-option.*faucetSecret.*devnet/)
    await waitFor('listening line', () => served.out().includes('WATT relay listening'), 60_000)
    const url = /listening on (http:\/\/[^ ]+)/.exec(served.out())?.[1] ?? ''
    assert.deepEqual((await getJson(url, '/genesis')).json, genesis)
  } finally {
    kill(refused.child)
    kill(served.child)
    await rm(dir, { recursive: true, force: true })
  }
})

test('--log-format json writes one JSON object per line; --data-dir keeps the peer id across runs', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watt-main-json-'))
  const peerIds: string[] = []
  try {
    for (let run = 0; run < 2; run++) {
      const r = spawnRelay(['--port', '0', '--log-format', 'json', '--data-dir', dir])
      try {
        // the address line follows the listening line, possibly in a later chunk
        await waitFor('address line', () => /\/p2p\/12D3\w+/.test(r.out()), 60_000)
        peerIds.push(/\/p2p\/(12D3\w+)/.exec(r.out())?.[1] ?? '')
        r.child.kill('SIGTERM')
        assert.equal(await r.exited, 0, r.err())
        const lines = r.err().trim().split('\n')
        const stop = lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((o) => o['msg'] === 'stopping')
        assert.deepEqual(
          { ...stop, time: undefined },
          { time: undefined, level: 'info', msg: 'stopping', signal: 'SIGTERM' },
        )
      } finally {
        kill(r.child)
      }
    }
    assert.equal(peerIds[0], peerIds[1])
    assert.match(peerIds[0] ?? '', /^12D3/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
