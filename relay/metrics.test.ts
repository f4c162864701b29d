// GET /metrics against a live relay: the body parses as Prometheus text (by a small parser
// written here from the format's rules, not the relay's formatter) and its counters move
// with traffic; the abuse limits answer 429 / reset / PERMISSION_DENIED and are counted.
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { topicFor } from '../shared/net/topics.ts'
import { type RelayHandle, startRelay } from './server.ts'
import {
  type Client,
  createCircuitClient,
  createClient,
  dial,
  rawRequest,
  sleep,
  waitFor,
} from './testing/helpers.ts'

const NETWORK = 'metricstest'
const topic = topicFor(NETWORK, 'heartbeat')

interface Parsed {
  types: Map<string, string>
  /** `name{k="v",...}` with labels sorted -> value */
  samples: Map<string, number>
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/

/** The text exposition format: # HELP / # TYPE lines, then `name{labels} value`; throws on anything else. */
const parsePrometheus = (text: string): Parsed => {
  const types = new Map<string, string>()
  const samples = new Map<string, number>()
  assert.ok(text.endsWith('\n'), 'ends with a newline')
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      assert.ok(!types.has(type[1] ?? ''), `one TYPE per metric: ${line}`)
      types.set(type[1] ?? '', type[2] ?? '')
      continue
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue
    const m = LINE.exec(line)
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`)
    const [, name = '', rawLabels = '', value = ''] = m
    assert.ok(types.has(name), `${name} sampled before its TYPE`)
    const labels: string[] = []
    for (let rest = rawLabels; rest.length > 0; ) {
      const l = LABEL.exec(rest)
      assert.ok(l, `bad labels in ${line}`)
      labels.push(`${l[1]}="${l[2]}"`)
      rest = rest.slice(l[0].length)
    }
    const key = `${name}{${labels.sort().join(',')}}`
    assert.ok(!samples.has(key), `duplicate sample ${key}`)
    samples.set(key, Number(value))
  }
  return { types, samples }
}

const scrape = async (r: RelayHandle) => {
  const res = await rawRequest(r.httpUrl, '/metrics')
  assert.equal(res.status, 200)
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  return parsePrometheus(res.body)
}

const value = (p: Parsed, key: string): number => {
  const v = p.samples.get(key)
  assert.ok(v !== undefined, `no sample ${key}`)
  return v
}

describe('/metrics', () => {
  let relay: RelayHandle
  let a: Client
  let b: Client
  before(async () => {
    relay = await startRelay({ port: 0, network: NETWORK, log: () => undefined })
    a = await createClient()
    b = await createClient()
  })
  after(async () => {
    await Promise.all([a.stop(), b.stop()])
    await relay.stop()
  })

  test('parses as Prometheus text and moves with connections, gossip and requests', async () => {
    const before = await scrape(relay)
    assert.equal(before.types.get('watt_relay_connections'), 'gauge')
    assert.equal(before.types.get('watt_relay_gossip_messages_total'), 'counter')
    assert.equal(value(before, 'watt_relay_connections{direction="inbound",transport="ws"}'), 0)
    assert.equal(value(before, `watt_relay_gossip_messages_total{direction="in",topic="${topic}"}`), 0)
    assert.ok(value(before, 'watt_relay_event_loop_lag_seconds{quantile="0.99"}') >= 0)

    const heard: string[] = []
    for (const c of [a, b]) c.services.pubsub.subscribe(topic)
    b.services.pubsub.addEventListener('message', (e) => heard.push(new TextDecoder().decode(e.detail.data)))
    await dial(a, relay.multiaddrs[0] ?? '')
    await dial(b, relay.multiaddrs[0] ?? '')
    await waitFor('delivered', async () => {
      await a.services.pubsub.publish(topic, new TextEncoder().encode('hi')).catch(() => undefined)
      await sleep(150)
      return heard.length > 0
    })
    const now = await scrape(relay)
    assert.equal(value(now, 'watt_relay_connections{direction="inbound",transport="ws"}'), 2)
    assert.ok(value(now, `watt_relay_gossip_messages_total{direction="in",topic="${topic}"}`) >= 1)
    assert.ok(value(now, `watt_relay_gossip_messages_total{direction="out",topic="${topic}"}`) >= 1)
    assert.equal(value(now, `watt_relay_gossip_rejected_total{reason="oversized",topic="${topic}"}`), 0)
    // the first scrape's 200 is counted by the second
    assert.ok(value(now, 'watt_relay_http_requests_total{status="200"}') >= 1)
    assert.ok(value(now, 'watt_relay_bytes_total{direction="in",port="ws"}') > 0)
    assert.ok(value(now, 'watt_relay_bytes_total{direction="out",port="http"}') > 0)
    assert.equal(value(now, 'watt_relay_sockets_open{port="ws"}'), 2)
  })
})

describe('abuse limits', () => {
  test('over the per-IP request rate: 429 with Retry-After, counted', async () => {
    const relay = await startRelay({
      port: 0,
      log: () => undefined,
      limits: { httpRequestsPerIpPerMinute: 3 },
    })
    try {
      for (let i = 0; i < 3; i++) assert.equal((await rawRequest(relay.httpUrl, '/health')).status, 200)
      const r = await rawRequest(relay.httpUrl, '/health')
      assert.equal(r.status, 429)
      // one token per 20 s
      assert.ok(Number(r.headers['retry-after']) > 0 && Number(r.headers['retry-after']) <= 20)
      assert.equal((JSON.parse(r.body) as { code: string }).code, 'relay/rate-limited')
      assert.equal(r.headers['x-content-type-options'], 'nosniff', 'security headers on a 429 too')
    } finally {
      await relay.stop()
    }
  })

  test('over the per-IP connection rate: the socket is reset, counted in /metrics', async () => {
    const relay = await startRelay({
      port: 0,
      log: () => undefined,
      limits: { wsConnectionsPerIpPerMinute: 2 },
    })
    const wsPort = Number(/\/tcp\/(\d+)\//.exec(relay.multiaddrs[0] ?? '')?.[1])
    const outcome = (): Promise<string> =>
      new Promise((resolve) => {
        const s = net.connect(wsPort, '127.0.0.1')
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
        s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
        s.on('data', () => {
          s.destroy()
          resolve('answered')
        })
        s.on('close', () => resolve('closed'))
      })
    try {
      assert.deepEqual([await outcome(), await outcome()], ['answered', 'answered'])
      assert.equal(await outcome(), 'ECONNRESET')
      assert.equal(relay.counters().ws.refusedRate, 1)
      const m = await scrape(relay)
      assert.equal(value(m, 'watt_relay_sockets_refused_total{port="ws",reason="rate"}'), 1)
    } finally {
      await relay.stop()
    }
  })

  test('over the per-IP reservation limit: the relay denies the reservation, counted', async () => {
    const relay = await startRelay({ port: 0, log: () => undefined, limits: { reservationsPerIp: 1 } })
    const first = await createCircuitClient()
    const second = await createCircuitClient()
    try {
      await dial(first, relay.multiaddrs[0] ?? '')
      await waitFor('first reservation', () => relay.counters().reservations.active === 1)
      await dial(second, relay.multiaddrs[0] ?? '')
      await waitFor('second refused', () => relay.counters().reservations.refusedPerIp >= 1)
      assert.equal(relay.counters().reservations.active, 1)
      const m = await scrape(relay)
      assert.equal(value(m, 'watt_relay_reservations{}'), 1)
      assert.ok(value(m, 'watt_relay_reservations_refused_total{reason="per-ip"}') >= 1)
      assert.ok(first.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit')))
      assert.ok(!second.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit')))
    } finally {
      await Promise.all([first.stop(), second.stop()])
      await relay.stop()
    }
  })
})
