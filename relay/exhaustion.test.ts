// Relay exhaustion on loopback (issue 12, finding 6): idle sockets, slow-loris sockets and
// oversized WebSocket frames must not take the relay from anyone else. Linux routes all of
// 127/8 to lo, so a second client binds 127.0.0.2 to be "another address".
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { HTTP_MAX_SOCKETS_PER_IP, WS_MAX_PAYLOAD_BYTES, WS_MAX_SOCKETS_PER_IP } from './limits.ts'
import { type RelayHandle, startRelay } from './server.ts'
import { getJson, kill, rawRequest, sleep, spawnRelay, waitFor } from './testing/helpers.ts'

const IDLE_SOCKETS = 2_000
const SLOWLORIS_SOCKETS = 1_100
const OTHER_ADDRESS = '127.0.0.2'

const wsPortOf = (relay: { multiaddrs: string[] }): number =>
  Number(/\/tcp\/(\d+)\/ws/.exec(relay.multiaddrs[0] ?? '')?.[1])
const httpPortOf = (relay: RelayHandle): number => Number(new URL(relay.httpUrl).port)

const connect = (port: number, closedAt: number[], onOpen: (s: net.Socket) => void) =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      onOpen(s)
      resolve(s)
    })
    s.on('error', () => undefined)
    // read (and drop) whatever the relay answers, so that its hang-up is seen
    s.resume()
    s.once('close', () => closedAt.push(Date.now()))
    s.once('error', reject)
  })

/** The kernel's accept queue holds 511: connect in batches that the server has accepted. */
const BATCH = 250

/**
 * Opens `n` TCP sockets to `port` in batches, each once `accepted()` (the server's count)
 * shows the previous batch in; every socket records when the other side closed it.
 */
const openSockets = async (
  port: number,
  n: number,
  accepted: () => number,
  onOpen: (s: net.Socket) => void = () => undefined,
) => {
  const closedAt: number[] = []
  const sockets: net.Socket[] = []
  const base = accepted()
  while (sockets.length < n) {
    const batch = Math.min(BATCH, n - sockets.length)
    sockets.push(...(await Promise.all(Array.from({ length: batch }, () => connect(port, closedAt, onOpen)))))
    await waitFor('batch accepted', () => accepted() - base >= sockets.length)
  }
  return { sockets, closedAt, openedAt: Date.now() }
}

/** Polls /health every 100 ms until `done()`; every answer must be 200. */
const healthThroughout = async (relay: RelayHandle, done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  let answers = 0
  while (!done()) {
    assert.ok(Date.now() < deadline, `timed out ${JSON.stringify(relay.counters())}`)
    assert.equal((await rawRequest(relay.httpUrl, '/health')).status, 200)
    answers++
    await sleep(100)
  }
  return answers
}

/** A GET from OTHER_ADDRESS, raw: status line and body. */
const getFromOtherAddress = (port: number, urlPath: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: OTHER_ADDRESS }, () =>
      s.write(`GET ${urlPath} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    )
    const chunks: Buffer[] = []
    s.on('data', (c: Buffer) => chunks.push(c))
    s.on('error', reject)
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })

const wsUpgrade = (): string =>
  `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`

describe('relay exhaustion: idle sockets', () => {
  const TIMEOUT_MS = 1_500
  let relay: RelayHandle
  before(async () => {
    // caps above the socket count, so that what closes the sockets is the timeout alone
    relay = await startRelay({
      port: 0,
      log: () => undefined,
      limits: {
        wsMaxSockets: 2 * IDLE_SOCKETS,
        wsMaxSocketsPerIp: 2 * IDLE_SOCKETS,
        wsConnectionsPerIpPerMinute: 2 * IDLE_SOCKETS,
        wsHandshakeTimeoutMs: TIMEOUT_MS,
        httpMaxSockets: 2 * IDLE_SOCKETS,
        httpMaxSocketsPerIp: 2 * IDLE_SOCKETS,
        httpHeadersTimeoutMs: TIMEOUT_MS,
        httpRequestTimeoutMs: TIMEOUT_MS,
      },
    })
  })
  after(() => relay.stop())

  for (const port of ['WebSockets', 'HTTP'] as const) {
    test(`${IDLE_SOCKETS} idle sockets on the ${port} port are closed within the timeout; /health answers throughout`, async () => {
      const start = Date.now()
      const http = port === 'HTTP'
      const counts = () => relay.counters()[http ? 'http' : 'ws']
      const { sockets, closedAt, openedAt } = await openSockets(
        http ? httpPortOf(relay) : wsPortOf(relay),
        IDLE_SOCKETS,
        () => counts().accepted,
      )
      try {
        assert.equal(counts().open, IDLE_SOCKETS, 'all held at once')
        const answers = await healthThroughout(relay, () => closedAt.length === IDLE_SOCKETS, 4 * TIMEOUT_MS)
        assert.ok(answers > 3, `/health asked ${answers} times while the sockets were held`)
        const first = Math.min(...closedAt) - start
        const last = Math.max(...closedAt) - openedAt
        assert.ok(first >= TIMEOUT_MS - 100, `a socket closed after ${first} ms, before the timeout`)
        // the slack covers Node's timeout sweep (a quarter of the timeout) and a loaded machine
        assert.ok(last <= TIMEOUT_MS + 1_500, `the last socket closed ${last} ms after the last one opened`)
        if (port === 'WebSockets') assert.ok(relay.counters().ws.handshakeTimeouts >= IDLE_SOCKETS)
      } finally {
        for (const s of sockets) s.destroy()
      }
    })
  }
})

describe('relay exhaustion: one address cannot take the sockets of others', () => {
  let relay: RelayHandle
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'watt-loris-'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>WATT PWA</title>')
    relay = await startRelay({ port: 0, staticDir: dir, genesis: { g: 1 }, log: () => undefined })
  })
  after(async () => {
    await relay.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test(`${SLOWLORIS_SOCKETS} slow-loris sockets from 127.0.0.1 leave the PWA and the JSON endpoints to ${OTHER_ADDRESS}`, async () => {
    const port = httpPortOf(relay)
    const timers: NodeJS.Timeout[] = []
    const seen = () => relay.counters().http.accepted + relay.counters().http.refusedPerIp
    const { sockets } = await openSockets(port, SLOWLORIS_SOCKETS, seen, (s) => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\n')
      timers.push(setInterval(() => s.write('X-a: b\r\n'), 500))
    })
    try {
      await waitFor(
        'refusals counted',
        () => relay.counters().http.refusedPerIp >= SLOWLORIS_SOCKETS - HTTP_MAX_SOCKETS_PER_IP,
      )
      assert.ok(relay.counters().http.open <= HTTP_MAX_SOCKETS_PER_IP)
      for (const p of ['/', '/health', '/bootstrap', '/genesis']) {
        const answer = await getFromOtherAddress(port, p)
        assert.match(answer, /^HTTP\/1\.1 200/, p)
      }
      assert.match(await getFromOtherAddress(port, '/'), /WATT PWA/)
    } finally {
      for (const t of timers) clearInterval(t)
      for (const s of sockets) s.destroy()
    }
  })

  test(`${SLOWLORIS_SOCKETS} idle sockets from 127.0.0.1 on the WebSockets port leave a WebSocket upgrade to ${OTHER_ADDRESS}`, async () => {
    const seen = () => relay.counters().ws.accepted + relay.counters().ws.refusedPerIp
    const { sockets } = await openSockets(wsPortOf(relay), SLOWLORIS_SOCKETS, seen)
    try {
      await waitFor(
        'refusals counted',
        () => relay.counters().ws.refusedPerIp >= SLOWLORIS_SOCKETS - WS_MAX_SOCKETS_PER_IP,
      )
      const answer = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ port: wsPortOf(relay), host: '127.0.0.1', localAddress: OTHER_ADDRESS }, () =>
          s.write(wsUpgrade()),
        )
        s.once('data', (c: Buffer) => {
          resolve(c.toString('latin1'))
          s.destroy()
        })
        s.on('error', reject)
      })
      assert.match(answer, /^HTTP\/1\.1 101/)
      assert.equal((await getJson(relay.httpUrl, '/health')).status, 200)
    } finally {
      for (const s of sockets) s.destroy()
    }
  })
})

describe('relay exhaustion: oversized WebSocket frames', () => {
  const SOCKETS = 8
  const DECLARED = 99 * 1024 * 1024
  const SENT_PER_SOCKET = 16 * 1024 * 1024
  /** Resident memory may grow by this much; unguarded, it grows by SOCKETS * SENT_PER_SOCKET (128 MiB). */
  const RSS_BOUND_KIB = 48 * 1024

  const rssKiB = (pid: number): number =>
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])

  /** Upgrades a socket, then sends a masked binary frame header declaring DECLARED bytes and streams bytes after it. */
  const oversizedFrame = (port: number): Promise<{ closedAfterMs: number; sent: number }> =>
    new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(wsUpgrade()))
      const chunk = new Uint8Array(1024 * 1024)
      let sent = 0
      let headerAt = 0
      s.once('data', (c: Buffer) => {
        assert.match(c.toString('latin1'), /^HTTP\/1\.1 101/)
        const header = Buffer.alloc(14)
        header[0] = 0x82 // FIN, binary
        header[1] = 0x80 | 127 // masked, 64-bit length
        header.writeBigUInt64BE(BigInt(DECLARED), 2)
        header.writeUInt32BE(0x01020304, 10)
        headerAt = Date.now()
        s.write(header)
        const pump = () => {
          while (sent < SENT_PER_SOCKET && !s.destroyed) {
            sent += chunk.length
            if (!s.write(chunk)) return s.once('drain', pump)
          }
        }
        pump()
      })
      s.on('error', () => undefined)
      s.on('close', () => resolve({ closedAfterMs: Date.now() - headerAt, sent }))
    })

  test(`${SOCKETS} frames declaring 99 MiB each are refused at once and the relay's memory stays within ${RSS_BOUND_KIB / 1024} MiB`, async () => {
    assert.ok(WS_MAX_PAYLOAD_BYTES < DECLARED)
    const r = spawnRelay(['--port', '0', '--ws-port', '0'])
    try {
      await waitFor('listening', () => /\/tcp\/\d+\/ws\/p2p/.test(r.out()), 60_000)
      const pid = r.child.pid ?? 0
      const wsPort = wsPortOf({ multiaddrs: [r.out()] })
      await sleep(1_000)
      const rssBefore = rssKiB(pid)
      const results = await Promise.all(Array.from({ length: SOCKETS }, () => oversizedFrame(wsPort)))
      const rssAfter = rssKiB(pid)
      for (const { closedAfterMs, sent } of results) {
        assert.ok(closedAfterMs < 1_000, `a socket stayed open ${closedAfterMs} ms after its frame header`)
        assert.ok(sent < SENT_PER_SOCKET, 'the relay read the whole frame body')
      }
      assert.ok(rssAfter - rssBefore < RSS_BOUND_KIB, `RSS grew ${rssBefore} -> ${rssAfter} KiB`)
      assert.match(r.err(), /relay ws protocol-error .*code=WS_ERR_UNSUPPORTED_MESSAGE_LENGTH/)
    } finally {
      kill(r.child)
    }
  })
})
