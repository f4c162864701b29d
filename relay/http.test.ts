import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createRng } from '../shared/util/prng.ts'
import { type RelayHandle, startRelay } from './server.ts'
import { getJson, rawRequest, rawTcp } from './testing/helpers.ts'

const SECRET = 'TOP-SECRET-OUTSIDE-ROOT'
const genesis = { network: 'testnet-a', supplyCap: '200000000000000000', closeInterval: 1 }
const quorumSet = { threshold: 1, validators: ['GNODE'], innerSets: [] }

describe('relay HTTP', () => {
  let relay: RelayHandle
  let dir: string
  const logs: string[] = []

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'watt-relay-'))
    const root = path.join(dir, 'dist')
    await mkdir(path.join(root, 'assets'), { recursive: true })
    await writeFile(path.join(dir, 'secret.json'), JSON.stringify({ SECRET }))
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>WATT</title>')
    await writeFile(path.join(root, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    await writeFile(path.join(root, 'manifest.webmanifest'), '{"name":"WATT"}')
    await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'export const x = 1')
    await writeFile(path.join(root, 'assets', 'app.wasm'), new Uint8Array([0, 97, 115, 109]))
    await writeFile(path.join(root, '.env'), SECRET)
    relay = await startRelay({
      port: 0,
      network: 'testnet-a',
      staticDir: root,
      genesis,
      recommendedQuorumSet: quorumSet,
      log: (l) => logs.push(l),
    })
  })
  after(async () => {
    await relay.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('/health reports identity, addresses, connections, uptime and version', async () => {
    const r = await rawRequest(relay.httpUrl, '/health')
    assert.equal(r.status, 200)
    assert.equal(r.headers['access-control-allow-origin'], '*')
    assert.match(String(r.headers['content-type']), /^application\/json/)
    const h = JSON.parse(r.body)
    assert.equal(h.status, 'ok')
    assert.equal(h.peerId, relay.peerId)
    assert.deepEqual(h.multiaddrs, relay.multiaddrs)
    assert.equal(h.connections, 0)
    assert.equal(typeof h.uptimeSeconds, 'number')
    assert.equal(h.version, '0.1.0')
    assert.equal(h.rejectedMessages['watt/testnet-a/heartbeat/1'], 0)
  })

  test('/bootstrap names the network, dialable relay multiaddrs and the recommended quorum set', async () => {
    const { status, json } = await getJson(relay.httpUrl, '/bootstrap')
    assert.equal(status, 200)
    const b = json as { network: string; relays: string[]; quorumSet: unknown }
    assert.equal(b.network, 'testnet-a')
    assert.equal(b.relays.length, 1)
    assert.match(b.relays[0] ?? '', new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${relay.peerId}$`))
    assert.deepEqual(b.quorumSet, quorumSet)
  })

  test('/genesis serves the genesis JSON; a relay without one answers 404 JSON', async () => {
    assert.deepEqual(await getJson(relay.httpUrl, '/genesis'), { status: 200, json: genesis })
    const bare = await startRelay({ port: 0, log: () => undefined })
    try {
      const { status, json } = await getJson(bare.httpUrl, '/genesis')
      assert.equal(status, 404)
      assert.equal((json as { code: string }).code, 'relay/no-genesis')
      const boot = (await getJson(bare.httpUrl, '/bootstrap')).json as Record<string, unknown>
      assert.equal('quorumSet' in boot, false)
      assert.equal(boot['network'], 'devnet')
    } finally {
      await bare.stop()
    }
  })

  test('static files get their MIME type and cache policy; unknown routes fall back to index.html', async () => {
    const cases: [string, RegExp, string][] = [
      ['/', /^text\/html/, 'no-cache'],
      ['/sw.js', /^text\/javascript/, 'no-cache'],
      ['/manifest.webmanifest', /^application\/manifest\+json/, 'no-cache'],
      ['/assets/index-abc123.js', /^text\/javascript/, 'public, max-age=31536000, immutable'],
      ['/assets/app.wasm', /^application\/wasm$/, 'public, max-age=31536000, immutable'],
      ['/wallet/send', /^text\/html/, 'no-cache'],
    ]
    for (const [p, type, cache] of cases) {
      const r = await rawRequest(relay.httpUrl, p)
      assert.equal(r.status, 200, p)
      assert.match(String(r.headers['content-type']), type, p)
      assert.equal(r.headers['cache-control'], cache, p)
    }
    assert.equal((await rawRequest(relay.httpUrl, '/wallet/send')).body, '<!doctype html><title>WATT</title>')
    assert.equal((await rawRequest(relay.httpUrl, '/missing.js')).status, 404)
    const head = await rawRequest(relay.httpUrl, '/sw.js', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    const etag = head.headers.etag
    assert.ok(etag)
  })

  test('path traversal in any spelling never reaches files outside the root', async () => {
    const attempts = [
      '/../secret.json',
      '/%2e%2e/secret.json',
      '/%2E%2E%2Fsecret.json',
      '/..%2fsecret.json',
      '/assets/../../secret.json',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.json',
      '/..%5csecret.json',
      '/%00/../secret.json',
      '/.env',
      '//etc/passwd',
      '/%E0%A4%A',
    ]
    for (const p of attempts) {
      const r = await rawRequest(relay.httpUrl, p)
      assert.ok(r.status === 400 || r.status === 404, `${p} -> ${r.status}`)
      assert.ok(!r.body.includes(SECRET), p)
    }
  })

  test('only GET and HEAD; bad request targets are 400; all logged', async () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await rawRequest(relay.httpUrl, '/health', m)
      assert.equal(r.status, 405, m)
      assert.equal(r.headers.allow, 'GET, HEAD')
    }
    const absolute = await rawTcp(
      Number(new URL(relay.httpUrl).port),
      'GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n',
    )
    assert.match(absolute, /^HTTP\/1\.1 400/)
    assert.ok(logs.some((l) => l.includes('bad-request')))
  })

  test('garbage, half requests and oversized headers leave the HTTP server serving', async () => {
    const port = Number(new URL(relay.httpUrl).port)
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31)
    const rng = createRng(seed)
    const garbage = await Promise.all([
      rawTcp(port, rng.bytes(4096)),
      rawTcp(port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 200),
      rawTcp(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`),
      rawTcp(port, 'GET /\0 HTTP/9.9\r\n\r\n'),
    ])
    assert.match(garbage[0] ?? '', /^(HTTP\/1\.1 400|)/, `seed ${seed}`)
    assert.match(garbage[2] ?? '', /^HTTP\/1\.1 431/)
    assert.equal((await rawRequest(relay.httpUrl, '/health')).status, 200, `seed ${seed}`)
    assert.ok(logs.some((l) => l.includes('client-error')))
  })
})

/** What every response must carry, written out here (not read from the product's table). */
const assertSecurityHeaders = (h: Record<string, unknown>, what: string) => {
  const csp = String(h['content-security-policy'] ?? '')
  const directive = (name: string) =>
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find((d) => d[0] === name)
      ?.slice(1) ?? []
  assert.deepEqual(directive('default-src'), ["'self'"], what)
  assert.deepEqual(directive('script-src').sort(), ["'self'", "'wasm-unsafe-eval'"], what)
  assert.deepEqual(directive('worker-src'), ["'self'"], what)
  assert.deepEqual(directive('frame-ancestors'), ["'none'"], what)
  assert.deepEqual(directive('object-src'), ["'none'"], what)
  assert.ok(directive('connect-src').includes('ws:') && directive('connect-src').includes("'self'"), what)
  assert.ok(!csp.includes("'unsafe-inline'") && !csp.includes("'unsafe-eval'"), what)
  assert.equal(h['x-frame-options'], 'DENY', what)
  assert.equal(h['referrer-policy'], 'no-referrer', what)
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', what)
  assert.equal(h['x-content-type-options'], 'nosniff', what)
}

/** Parses the header block of a raw HTTP answer into lower-case name -> value. */
const rawHeaders = (answer: string): Record<string, string> =>
  Object.fromEntries(
    answer
      .split('\r\n\r\n')[0]!
      .split('\r\n')
      .slice(1)
      .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  )

describe('relay security headers', () => {
  test('every response carries CSP, X-Frame-Options, Referrer-Policy, COOP and nosniff', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watt-headers-'))
    await mkdir(path.join(dir, 'assets'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>')
    await writeFile(path.join(dir, 'assets', 'a-1.js'), 'x')
    const relay = await startRelay({ port: 0, staticDir: dir, genesis: { g: 1 }, log: () => undefined })
    try {
      const paths: [string, string, number][] = [
        ['GET', '/', 200],
        ['GET', '/assets/a-1.js', 200],
        ['HEAD', '/assets/a-1.js', 200],
        ['GET', '/some/route', 200],
        ['GET', '/health', 200],
        ['GET', '/bootstrap', 200],
        ['GET', '/genesis', 200],
        ['GET', '/missing.js', 404],
        ['GET', '/%2e%2e/x', 400],
        ['POST', '/health', 405],
        ['GET', '/enroll/unknown-token', 410],
      ]
      for (const [method, p, status] of paths) {
        const r = await rawRequest(relay.httpUrl, p, method)
        assert.equal(r.status, status, `${method} ${p}`)
        assertSecurityHeaders(r.headers, `${method} ${p}`)
      }
      const etag = (await rawRequest(relay.httpUrl, '/')).headers.etag
      const port = Number(new URL(relay.httpUrl).port)
      const notModified = await rawTcp(port, `GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\n`)
      assert.match(notModified, /^HTTP\/1\.1 304/)
      assertSecurityHeaders(rawHeaders(notModified), '304')
      const tooBig = await rawTcp(
        port,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      )
      assert.match(tooBig, /^HTTP\/1\.1 431/)
      assertSecurityHeaders(rawHeaders(tooBig), '431 from the parser')
    } finally {
      await relay.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a request that claims a body is refused and its socket closed (no slow body to wait for)', async () => {
    const relay = await startRelay({ port: 0, log: () => undefined })
    try {
      const port = Number(new URL(relay.httpUrl).port)
      const started = Date.now()
      const answer = await rawTcp(
        port,
        'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nab',
        5_000,
      )
      assert.match(answer, /^HTTP\/1\.1 400/)
      assert.match(answer, /requests carry no body/)
      assert.ok(Date.now() - started < 4_000, 'the relay closed the socket, not the test timer')
    } finally {
      await relay.stop()
    }
  })
})

describe('relay enrollment', () => {
  test('each token is answered once on GET; HEAD and unknown tokens burn nothing', async () => {
    const token = 'tok_ABCdef-123'
    const relay = await startRelay({
      port: 0,
      devnet: true,
      enrollments: new Map([[token, { privateKey: 'ab01' }]]),
      log: () => undefined,
    })
    try {
      assert.equal((await rawRequest(relay.httpUrl, `/enroll/${token}`, 'HEAD')).status, 405)
      assert.equal((await getJson(relay.httpUrl, '/enroll/unknown-token')).status, 410)
      assert.deepEqual(await getJson(relay.httpUrl, `/enroll/${token}`), {
        status: 200,
        json: { privateKey: 'ab01' },
      })
      const again = await getJson(relay.httpUrl, `/enroll/${token}`)
      assert.equal(again.status, 410)
      assert.equal((again.json as { code: string }).code, 'relay/enroll-gone')
    } finally {
      await relay.stop()
    }
  })
})

describe('relay options', () => {
  test('bad options are refused with typed errors before anything listens', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ network: 'Bad Name!' }, 'network'],
      [{ port: 70000 }, 'port'],
      [{ host: 'example.com' }, 'host'],
      [{ maxConnections: 0 }, 'maxConnections'],
      [{ genesis: { network: 'other' } }, 'genesis'],
      [{ genesis: { n: 1n } }, 'genesis'],
      [{ port: 0, staticDir: '/nonexistent/dir' }, 'staticDir'],
      [{ devnet: true, enrollments: new Map([['short', {}]]) }, 'enrollments'],
      // enrollments hand out keys, a faucet secret hands out the faucet: devnets only
      [{ enrollments: new Map([['long-enough-token', {}]]) }, 'enrollments'],
      [{ genesis: { faucetSecret: 'ab'.repeat(32) } }, 'genesis'],
      [{ limits: { httpMaxSocketsPerIp: 0 } }, 'limits.httpMaxSocketsPerIp'],
      [{ limits: { httpMaxSockets: 10, httpMaxSocketsPerIp: 11 } }, 'limits.httpMaxSocketsPerIp'],
      [{ limits: { wsHandshakeTimeoutMs: 1.5 } }, 'limits.wsHandshakeTimeoutMs'],
      [
        { limits: { httpHeadersTimeoutMs: 20_000, httpRequestTimeoutMs: 15_000 } },
        'limits.httpHeadersTimeoutMs',
      ],
      [{ limits: { maxSockets: 5 } }, 'limits.maxSockets'],
    ]
    for (const [opts, option] of cases) {
      await assert.rejects(startRelay({ port: 0, ...opts, log: () => undefined }), (e: unknown) => {
        const data = (e as { data?: { code: string; option: string } }).data
        return data?.code === 'relay/bad-option' && data.option === option
      })
    }
  })

  test('a devnet relay serves a genesis with a faucet secret', async () => {
    const devnetGenesis = { network: 'devnet', faucetSecret: 'ab'.repeat(32) }
    const relay = await startRelay({ port: 0, devnet: true, genesis: devnetGenesis, log: () => undefined })
    try {
      assert.deepEqual(await getJson(relay.httpUrl, '/genesis'), { status: 200, json: devnetGenesis })
    } finally {
      await relay.stop()
    }
  })
})
