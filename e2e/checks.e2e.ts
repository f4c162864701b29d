// The "Check retrievals" card in real Chromium (docs/retrieval-checks.md, "The app"): a newcomer
// with no wallet sees the card and what to do first; with faucet WATT it joins as a checker (the
// ledger holds the bond: the card shows it joined, bond 1 WATT in base units) and leaves again.
// Screenshots at 390 and 1280 px.
import { expect, test } from '@playwright/test'
import { fundedWallet } from './market-pages.ts'
import { closeAll, openNode, type TestNode } from './nodes.ts'
import { useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_CHECKS_PORT ?? 8434)
const net = useWalletDevnet(PORT, 'e2e-checks')

test.describe.configure({ timeout: 180_000 })

const BOND = '10000000' // checkerBond's default: 1 WATT in base units

test('a newcomer sees the checks card; with WATT it joins as a checker, bond locked, and leaves', async ({
  browser,
}) => {
  const nodes: TestNode[] = []
  try {
    const n = await openNode(browser, `${net.url}/`)
    nodes.push(n)
    const page = n.page
    await page.getByTestId('tab-storage').click()
    const card = page.getByTestId('checks-card')
    await expect(card).toContainText('Create a wallet on the Wallet screen', { timeout: 60_000 })
    await expect(page.getByTestId('checks-state')).toHaveAttribute('data-joined', 'false')

    await fundedWallet(page)
    await page.getByTestId('tab-storage').click()
    const state = page.getByTestId('checks-state')
    await expect(state).toHaveAttribute('data-bond', BOND, { timeout: 60_000 })
    await expect(state).toHaveAttribute('data-joined', 'false')
    await expect(card).toContainText('the bond comes back when you leave')
    await page.getByTestId('checks-toggle').click()
    await expect(state).toHaveAttribute('data-joined', 'true', { timeout: 60_000 })
    await expect(page.getByTestId('checks-error')).toHaveCount(0)
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'e2e/artifacts/checks-phone.png', fullPage: true })
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'e2e/artifacts/checks-desktop.png', fullPage: true })

    await expect(page.getByTestId('checks-toggle')).toBeEnabled({ timeout: 30_000 })
    await page.getByTestId('checks-toggle').click()
    await expect(state).toHaveAttribute('data-joined', 'false', { timeout: 60_000 })
  } finally {
    await closeAll(nodes)
  }
})
