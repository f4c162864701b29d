// Browser nodes for the benchmarks that measure two WATT pages against each other: the relay
// serving the built PWA (alone, or as a devnet whose genesis lets the nodes' services start), a fresh context per node timed from page load to `online` (and, when
// asked, to its first WebRTC peer), the wait for a direct WebRTC link between two of them, and
// the raw RTCDataChannel baseline between the same two pages (raw-channel.ts), signalled here.
import type { Browser, Page } from '@playwright/test'
import { type RelayHandle, startRelay } from '../../relay/server.ts'
import { hasWebRtcTo } from './libp2p-probe.ts'
import { rawAnswer, rawConnect, rawOffer } from './raw-channel.ts'
import { type Devnet, startDevnet } from '../../tools/devnet.ts'
import { ensureDist, freePort } from './servers.ts'

/** A relay on a free port serving dist/ (built first when missing), network `bench`. */
export const startBenchRelay = async (): Promise<RelayHandle> => {
  ensureDist()
  return startRelay({
    host: '127.0.0.1',
    port: await freePort(),
    network: 'bench',
    staticDir: 'dist',
    log: () => {},
  })
}

/** A devnet on a free port with no validator tab (no ledger closes): its genesis is served, so a
 * node's storage and retrieval services start, as in the e2e specs (e2e/bare-devnet.ts). */
export const startBenchDevnet = async (): Promise<Devnet> => {
  ensureDist()
  return startDevnet({
    port: await freePort(),
    host: '127.0.0.1',
    network: 'bench',
    validators: 0,
    closeIntervalMs: 1000,
    dayLengthMs: 86_400_000,
    staticDir: 'dist',
    log: () => {},
  })
}

export interface BenchNode {
  readonly page: Page
  readonly peerId: string
  /** Page load to `online` (the relay reservation). */
  readonly onlineMs: number
  /** Page load to the first peer listed with transport `webrtc`, when it was waited for. */
  readonly firstPeerMs?: number
}

/** Opens `url` in a fresh context (a new node) and waits until it is online (and linked, if asked). */
export const openNode = async (
  browser: Browser,
  url: string,
  o: { firstPeer?: boolean } = {},
): Promise<BenchNode> => {
  const page = await (await browser.newContext()).newPage()
  const t0 = performance.now()
  await page.goto(url)
  await page.getByTestId('node-status').filter({ hasText: 'online' }).waitFor({ timeout: 90_000 })
  const onlineMs = performance.now() - t0
  let firstPeerMs: number | undefined
  if (o.firstPeer) {
    await page
      .locator('[data-testid="peer-item"][data-transport="webrtc"]')
      .first()
      .waitFor({ timeout: 90_000 })
    firstPeerMs = performance.now() - t0
  }
  const peerId = (await page.getByTestId('node-peer-id').textContent()) ?? ''
  return { page, peerId, onlineMs, ...(firstPeerMs === undefined ? {} : { firstPeerMs }) }
}

/** Waits until each of the two nodes has an open direct WebRTC connection to the other. */
export const waitForDirectLink = async (a: BenchNode, b: BenchNode): Promise<void> => {
  for (const [p, peer] of [
    [a.page, b.peerId],
    [b.page, a.peerId],
  ] as const) {
    await p.waitForFunction(hasWebRtcTo, peer, { timeout: 60_000 })
  }
}

/** A raw data channel from `sender` (the offering side, which rawThroughput sends from) to `receiver`. */
export const connectRawChannel = async (sender: Page, receiver: Page): Promise<void> => {
  const offer = await sender.evaluate(rawOffer)
  const answer = await receiver.evaluate(rawAnswer, offer)
  await sender.evaluate(rawConnect, answer)
}
