// The runtime end to end: real relay process, real Chromium contexts, real WebRTC.
import { expect, test } from '@playwright/test'
import { closeAll, openNode, peerItem } from './nodes.ts'

test('three isolated contexts become three nodes linked directly over WebRTC, heartbeats flowing', async ({
  browser,
}) => {
  const nodes = [await openNode(browser), await openNode(browser), await openNode(browser)]
  try {
    expect(new Set(nodes.map((n) => n.peerId)).size).toBe(3)
    for (const n of nodes) {
      for (const other of nodes.filter((o) => o !== n)) {
        const item = peerItem(n.page, other.peerId)
        await expect(item).toHaveAttribute('data-transport', 'webrtc', { timeout: 30_000 })
        await expect.poll(async () => Number(await item.getAttribute('data-heartbeats'))).toBeGreaterThan(1)
      }
      await expect(n.page.getByTestId('peer-count')).toHaveText('2')
    }
    await nodes[0]!.page.screenshot({ path: 'e2e/artifacts/node-screen-phone.png', fullPage: true })
    await nodes[0]!.page.setViewportSize({ width: 1280, height: 800 })
    await nodes[0]!.page.screenshot({ path: 'e2e/artifacts/node-screen-desktop.png', fullPage: true })
  } finally {
    await closeAll(nodes)
  }
})
