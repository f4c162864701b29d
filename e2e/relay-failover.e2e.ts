// Two linked relays, one killed (issue 20): relay A is started with `--peer` naming relay B, so
// A's /bootstrap lists both. A browser node loaded from A holds its one relay connection to A;
// another, loaded from B, is on B. A is killed (SIGKILL): the first browser tries the relays of
// its bootstrap in turn, reaches B, and the two nodes keep hearing each other's heartbeats.
import { expect, test } from '@playwright/test'
import { kill, spawnRelay } from '../relay/testing/helpers.ts'
import { closeAll, openNode, peerItem, type TestNode } from './nodes.ts'

const PORT = Number(process.env.E2E_FAILOVER_PORT ?? 8414)
const NETWORK = 'e2e-failover'

test.describe.configure({ timeout: 300_000 })

const relayArgs = (port: number) => ['--port', String(port), '--static', 'dist', '--network', NETWORK]
const addressOf = (out: string): string => /^\s+(\/ip4\/\S+\/p2p\/12D3\S+)$/m.exec(out)?.[1] ?? ''

/** Circuit reservations a relay holds: each browser node keeps one on the relay it is on (a linked relay none). */
const reservations = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^watt_relay_reservations (\d+)$/m.exec(text)?.[1])
}

/** Heartbeats `node` has heard from `peerId` (0 while that peer is not listed yet). */
const heartbeatsFrom = async (node: TestNode, peerId: string): Promise<number> =>
  Number(
    (await peerItem(node.page, peerId)
      .getAttribute('data-heartbeats', { timeout: 1000 })
      .catch(() => null)) ?? 0,
  )

test('with one of two linked relays killed, a browser continues through the other', async ({ browser }) => {
  const b = spawnRelay(relayArgs(PORT + 2))
  const nodes: TestNode[] = []
  let a: ReturnType<typeof spawnRelay> | undefined
  try {
    await expect.poll(() => addressOf(b.out()), { timeout: 60_000 }).not.toBe('')
    a = spawnRelay([...relayArgs(PORT), '--peer', addressOf(b.out())])
    const [urlA, urlB] = [`http://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT + 2}`]
    const relaysOf = async (url: string) =>
      ((await (await fetch(`${url}/bootstrap`)).json()) as { relays: string[] }).relays.length
    await expect.poll(() => relaysOf(urlA).catch(() => 0), { timeout: 60_000 }).toBe(2)
    nodes.push(await openNode(browser, `${urlA}/`))
    nodes.push(await openNode(browser, `${urlB}/`))
    const [onA, onB] = nodes as [TestNode, TestNode]
    await expect.poll(() => heartbeatsFrom(onB, onA.peerId), { timeout: 60_000 }).toBeGreaterThan(0)
    await expect.poll(() => reservations(urlB), { timeout: 30_000 }).toBe(1) // the second node only

    kill(a.child)
    await a.exited
    // the first node redials from its bootstrap list: B answers
    await expect.poll(() => reservations(urlB), { timeout: 60_000 }).toBe(2)
    await expect(onA.page.getByTestId('node-status')).toHaveText('online', { timeout: 60_000 })
    const heard = await heartbeatsFrom(onB, onA.peerId)
    await expect.poll(() => heartbeatsFrom(onB, onA.peerId), { timeout: 60_000 }).toBeGreaterThan(heard + 2)
  } finally {
    await closeAll(nodes)
    if (a) kill(a.child)
    kill(b.child)
  }
})
