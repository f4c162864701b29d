// The relay under load (issue 20): 500 WebSocket clients against a relay on loopback, half of
// them sending garbage frames, each one the relay ends opened again 2 s later, while a real
// browser node comes online through the same relay and gossips (its heartbeats reach the relay's
// /metrics); /health answers right; after the clients stop the relay's heap returns to its
// baseline. The relay holds at most 64 connections in their handshake (libp2p's
// maxIncomingPendingConnections) and ends the rest at once, so most of the 500 are always
// coming back rather than open. Bounded: 500 at once, at most 20,000 opened, 90 s.
import { randomBytes } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { getJson, kill, sleep, spawnRelay } from '../relay/testing/helpers.ts'
import { openNode } from './nodes.ts'

const PORT = Number(process.env.E2E_RELAY_LOAD_PORT ?? 8412)
const CLIENTS = Number(process.env.E2E_RELAY_LOAD_CLIENTS ?? 500)
const MAX_OPENED = 20_000
const LOAD_MS = 90_000
/** A closed client comes back after this: the garbage half churns ~125 sockets a second. */
const REOPEN_MS = 2000
/**
 * The relay runs with a small old space, so V8 collects as it fills (an idle process may keep
 * garbage for minutes) and memory held per client would run it out of memory instead.
 */
const OLD_SPACE_MIB = 96
/** The relay's heap above its baseline once the load is gone. */
const MEMORY_SLACK_BYTES = 32 * 1024 * 1024

test.describe.configure({ timeout: 300_000 })

/** The relay's JS heap in use, from its /metrics (the resident set stays up: V8 keeps its pages). */
const heapOf = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^watt_relay_memory_bytes\{kind="heap"\} (\d+)$/m.exec(text)?.[1] ?? Number.NaN)
}

const heartbeatsIn = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line =
    /^watt_relay_gossip_messages_total\{direction="in",topic="watt\/e2e-load\/heartbeat\/1"\} (\d+)$/m
  return Number(line.exec(text)?.[1] ?? Number.NaN)
}

/** Keeps `count` sockets open until stopped: each one that closes is replaced, up to MAX_OPENED. */
const holdLoad = (wsUrl: string, count: number) => {
  let running = true
  let opened = 0
  const live = new Set<WebSocket>()
  const open = (garbage: boolean) => {
    if (!running || opened >= MAX_OPENED) return
    opened++
    const ws = new WebSocket(wsUrl)
    ws.binaryType = 'arraybuffer'
    live.add(ws)
    ws.onopen = () => {
      if (garbage) for (let i = 0; i < 4; i++) ws.send(randomBytes(256 + i * 512))
    }
    ws.onerror = () => {}
    ws.onclose = () => {
      live.delete(ws)
      setTimeout(() => open(garbage), REOPEN_MS)
    }
  }
  for (let i = 0; i < count; i++) open(i % 2 === 0)
  return {
    live: () => live.size,
    opened: () => opened,
    stop: async () => {
      running = false
      for (const ws of live) ws.close()
      const end = Date.now() + 15_000
      while (live.size > 0 && Date.now() < end) await sleep(100)
      return live.size
    },
  }
}

test('500 WebSocket clients, half sending garbage: /health holds, a browser node connects and gossips, memory returns', async ({
  browser,
}) => {
  const relay = spawnRelay(
    [
      '--port',
      String(PORT),
      '--static',
      'dist',
      '--network',
      'e2e-load',
      // every client comes from 127.0.0.1 here: the per-address limits are set for one big household
      '--max-connections',
      '1000',
      '--ws-sockets-per-ip',
      '1000',
      '--connections-per-minute-per-ip',
      '100000',
    ],
    { NODE_OPTIONS: `--max-old-space-size=${OLD_SPACE_MIB}` },
  )
  const url = `http://127.0.0.1:${PORT}`
  try {
    await expect.poll(() => relay.out(), { timeout: 60_000 }).toContain('/p2p/12D3')
    await sleep(2000) // the relay's start-up allocations settle
    const baseline = await heapOf(url)
    const load = holdLoad(`ws://127.0.0.1:${PORT + 1}`, CLIENTS)
    const started = Date.now()
    await expect.poll(() => load.opened(), { timeout: 30_000 }).toBeGreaterThanOrEqual(CLIENTS)
    const health = await getJson(url, '/health')
    expect(health.status).toBe(200)
    expect((health.json as { status: string; network: string }).network).toBe('e2e-load')

    const beats0 = await heartbeatsIn(url)
    const node = await openNode(browser, `${url}/`)
    await expect.poll(() => heartbeatsIn(url), { timeout: 30_000 }).toBeGreaterThan(beats0)
    // the load goes on: every client comes back twice more, and the node still gossips through it
    const openedOnline = load.opened()
    await expect
      .poll(() => load.opened(), { timeout: LOAD_MS })
      .toBeGreaterThanOrEqual(openedOnline + 2 * CLIENTS)
    const beats1 = await heartbeatsIn(url)
    await expect.poll(() => heartbeatsIn(url), { timeout: 30_000 }).toBeGreaterThan(beats1)
    await expect(node.page.getByTestId('node-status')).toHaveText('online')
    const during = await getJson(url, '/health')
    expect([during.status, (during.json as { status: string }).status]).toEqual([200, 'ok'])
    console.log(
      `relay load: ${load.opened()} sockets opened in ${Date.now() - started} ms, ${load.live()} open now; ` +
        `the browser came online and gossiped throughout; heap ${Math.round((await heapOf(url)) / 2 ** 20)} MiB ` +
        `(baseline ${Math.round(baseline / 2 ** 20)} MiB)`,
    )
    expect(Date.now() - started).toBeLessThan(LOAD_MS + 60_000)
    expect(await load.stop()).toBe(0)
    await node.context.close()

    // memory back to its baseline once the sockets are gone (garbage collection may take a while)
    await expect
      .poll(async () => (await heapOf(url)) - baseline, { timeout: 90_000, intervals: [2000] })
      .toBeLessThan(MEMORY_SLACK_BYTES)
    await expect
      .poll(async () => ((await getJson(url, '/health')).json as { connections: number }).connections)
      .toBe(0)
  } finally {
    kill(relay.child)
  }
})
