// The provider's side of the market in real Chromium (issue 13, item 8): a provider with faucet
// WATT posts an ask on the Storage screen; the ledger takes it with exactly the collateral its
// capacity needs (worked out here from the documented rule, not by the product), and another
// node, in its own context, lists the ask as the ledger holds it. Screenshots at 390 and 1280 px.
import { expect, test } from '@playwright/test'
import { rpc } from './ledger-pages.ts'
import { closeAll, fillPin, openNode, type TestNode } from './nodes.ts'
import { openWallet, useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_MARKET_PORT ?? 8416)
const net = useWalletDevnet(PORT, 'e2e-market')

test.describe.configure({ timeout: 300_000 })

const GIB = 2n ** 30n
const UNIT = 10_000_000n // base units per WATT (7 decimals)

test('a provider posts an ask; the ledger holds its collateral; another node lists the ask', async ({
  browser,
}) => {
  const nodes: TestNode[] = []
  try {
    const provider = await openNode(browser, `${net.url}/`)
    const client = await openNode(browser, `${net.url}/`)
    nodes.push(provider, client)
    const page = provider.page
    await openWallet(page)
    await fillPin(page, 'create')
    await page.getByTestId('wallet-create').click()
    const address = (await page.getByTestId('wallet-address').textContent())!.trim()
    await page.getByTestId('faucet-request').click()
    await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 120_000 })

    await page.getByTestId('tab-storage').click()
    const form = page.getByTestId('ask-form')
    await expect(form).toBeVisible({ timeout: 60_000 })
    await page.getByTestId('ask-price').fill('0,5') // a phone keypad's decimal comma
    await page.getByTestId('ask-collateral').fill('2')
    await page.getByTestId('ask-capacity').fill('0.25')
    await page.getByTestId('ask-submit').click()
    await expect(page.getByTestId('ask-status')).toContainText('ask on the ledger', { timeout: 60_000 })

    // collateral: ceil(2 WATT x 0.25 GiB / 1 GiB) in base units
    const capacity = GIB / 4n
    const deposit = (2n * UNIT * capacity + GIB - 1n) / GIB
    await expect(page.getByTestId('provider-collateral')).toHaveAttribute('data-amount', String(deposit))
    await expect(page.getByTestId('provider-earnings')).toHaveAttribute('data-amount', '0')
    const seen = await rpc(client.page, 'market.view')
    expect(seen.asks.map((a) => [a.provider, a.price, a.collateral, a.capacity])).toEqual([
      [address, String(UNIT / 2n), String(2n * UNIT), Number(capacity)],
    ])

    await client.page.getByTestId('tab-storage').click()
    const item = client.page.locator(`[data-testid="ask-item"][data-provider="${address}"]`)
    await expect(item).toHaveAttribute('data-price', String(UNIT / 2n), { timeout: 60_000 })
    await expect(client.page.getByTestId('ask-submit')).toBeDisabled() // no wallet: nothing to sign with

    const card = page.getByTestId('market-card')
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'e2e/artifacts/market-phone.png', fullPage: true })
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'e2e/artifacts/market-desktop.png', fullPage: true })
  } finally {
    await closeAll(nodes)
  }
})
