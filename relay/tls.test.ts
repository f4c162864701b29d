import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import https from 'node:https'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import tls from 'node:tls'
import { type RelayHandle, startRelay } from './server.ts'
import { createClient, dial, rawRequest, selfSignedCert, waitFor } from './testing/helpers.ts'

const httpsGet = (url: string, ca: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })

describe('relay over TLS (--tls-cert, --tls-key)', () => {
  let dir: string
  let cert: ReturnType<typeof selfSignedCert>
  let relay: RelayHandle
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'watt-tls-'))
    cert = selfSignedCert(dir)
    relay = await startRelay({ port: 0, log: () => undefined, tls: { cert: cert.cert, key: cert.key } })
  })
  after(async () => {
    await relay.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('the HTTP port serves /health over HTTPS only', async () => {
    assert.match(relay.httpUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
    const h = await httpsGet(`${relay.httpUrl}/health`, cert.cert)
    assert.equal(h.status, 200)
    assert.equal((JSON.parse(h.body) as { peerId: string }).peerId, relay.peerId)
    // without the certificate trusted, the handshake fails; plain HTTP gets no answer
    await assert.rejects(httpsGet(`${relay.httpUrl}/health`, tls.rootCertificates.join('\n')))
    await assert.rejects(rawRequest(relay.httpUrl.replace('https', 'http'), '/health'))
  })

  test('the relay advertises /tls/ws and a libp2p client dials it over wss://', async () => {
    const b = JSON.parse((await httpsGet(`${relay.httpUrl}/bootstrap`, cert.cert)).body) as {
      relays: string[]
    }
    assert.deepEqual(b.relays, relay.multiaddrs)
    assert.match(b.relays[0] ?? '', /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\/12D3/)
    // Node's WebSocket checks the certificate against the default CA list: add ours to it
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert])
    const client = await createClient()
    try {
      const conn = await dial(client, b.relays[0] ?? '')
      assert.equal(conn.remotePeer.toString(), relay.peerId)
      await waitFor('the relay sees the connection', () => relay.connections() >= 1)
    } finally {
      await client.stop()
    }
  })
})

test('--announce: /bootstrap and /health advertise the public addresses with the peer id', async () => {
  const announce = ['/dns4/relay.example.org/tcp/443/tls/ws']
  const relay = await startRelay({ port: 0, log: () => undefined, announce })
  try {
    const want = [`${announce[0]}/p2p/${relay.peerId}`]
    const b = JSON.parse((await rawRequest(relay.httpUrl, '/bootstrap')).body) as { relays: string[] }
    assert.deepEqual(b.relays, want)
    const h = JSON.parse((await rawRequest(relay.httpUrl, '/health')).body) as { multiaddrs: string[] }
    assert.deepEqual(h.multiaddrs, want)
    assert.match(relay.multiaddrs[0] ?? '', /^\/ip4\/127\.0\.0\.1\//, 'the handle keeps the listen addresses')
  } finally {
    await relay.stop()
  }
  const other = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
  await assert.rejects(startRelay({ port: 0, announce: [`${announce[0]}/p2p/${other}`] }), /not this relay/)
  await assert.rejects(startRelay({ port: 0, announce: ['not/a/multiaddr'] }), /not a multiaddr/)
})
