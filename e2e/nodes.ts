// E2E helpers: each WATT node is its own browser context (own SharedWorker, IndexedDB, keys).
import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test'

export interface TestNode {
  context: BrowserContext
  page: Page
  peerId: string
}

/** A node in a fresh context, online; the wait has room for a slow, shared machine. */
export const openNode = async (browser: Browser, path = '/'): Promise<TestNode> => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  if (process.env.E2E_CONSOLE) page.on('console', (m) => console.log(`[console] ${m.type()} ${m.text()}`))
  await page.goto(path)
  await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
  const peerId = (await page.getByTestId('node-peer-id').textContent()) ?? ''
  expect(peerId).toMatch(/^12D3KooW/)
  return { context, page, peerId }
}

export const peerItem = (page: Page, peerId: string) =>
  page.locator(`[data-testid="peer-item"][data-peer-id="${peerId}"]`)

export const closeAll = async (nodes: TestNode[]) => {
  for (const n of nodes) await n.context.close().catch(() => {})
}

/** The PIN the e2e users protect their wallets with. */
export const E2E_PIN = '246802'

/** Fills a PIN chooser (`create`, `restore`, `protect`): the PIN and its repetition. */
export const fillPin = async (page: Page, prefix: string, pin = E2E_PIN) => {
  await page.getByTestId(`${prefix}-pin`).fill(pin)
  await page.getByTestId(`${prefix}-pin-again`).fill(pin)
}

/**
 * Chromium's virtual platform authenticator on `node`'s page, standing in for a phone's
 * fingerprint (ctap2, internal, user verified); `prf` adds the PRF extension.
 */
export const addFingerprint = async (node: TestNode, o: { prf?: boolean } = {}) => {
  const cdp = await node.context.newCDPSession(node.page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      ...(o.prf ? { hasPrf: true } : {}),
      automaticPresenceSimulation: true,
    },
  })
  return cdp
}
