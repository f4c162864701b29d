// The provider's side of the market in real Chromium (issue 13, item 8): a provider with faucet
// WATT posts an ask on the Storage screen; the ledger takes it with exactly the collateral its
// capacity needs (worked out here from the documented rule, not by the product), and another
// node, in its own context, lists the ask as the ledger holds it. Screenshots at 390 and 1280 px.
// Then that node bids for a file with the most it pays above the ask: the ledger's close step
// matches the bid with the provider, and the client's balance is down by exactly the matched
// term price, its client collateral and one fee (the worst-case lock's rest came back).
import { expect, type Page, test } from '@playwright/test'
import { rpc } from './ledger-pages.ts'
import { fundedWallet } from './market-pages.ts'
import { closeAll, fillPin, openNode, type TestNode } from './nodes.ts'
import { openWallet, useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_MARKET_PORT ?? 8416)
const net = useWalletDevnet(PORT, 'e2e-market')

test.describe.configure({ timeout: 300_000 })

const GIB = 2n ** 30n
const UNIT = 10_000_000n // base units per WATT (7 decimals)

test('a provider posts an ask; the ledger holds its collateral; another node lists it, bids above it and is matched', async ({
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

    await bidAboveTheAsk(client.page, address)
  } finally {
    await closeAll(nodes)
  }
})

// 1 MiB: large enough that the matched price (0.5) and the bid's worst case (0.75) lock differently
const FILE_SIZE = 2n ** 20n
const MIN_FEE = 100n // the devnet's minFeePerOp: a bid is one operation

/** Term price and client collateral by the documented rule (docs/market.md, "Amounts"). */
const lockOf = (price: bigint, periods: bigint, periodMs: bigint, dayMs: bigint) => {
  const num = price * FILE_SIZE * periods * periodMs
  const den = GIB * dayMs
  const term = (num + den - 1n) / den
  return term + (term * 50n) / 1000n
}

const bidAboveTheAsk = async (page: Page, provider: string) => {
  await fundedWallet(page)
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('deal-file').setInputFiles({
    name: 'bid.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(Number(FILE_SIZE), 7),
  })
  await page.getByTestId('deal-replicas').fill('1')
  await page.getByTestId('deal-days').fill('1')
  const before = BigInt((await rpc(page, 'market.view')).balance)
  await page.getByTestId('bid-form').locator('summary').click()
  await page.getByTestId('bid-max-price').fill('0,75') // above the ask's 0.5
  await page.getByTestId('bid-submit').click()
  await expect(page.getByTestId('deal-status')).toContainText('bid posted', { timeout: 60_000 })
  const row = page.locator(`[data-testid="deal-item"][data-provider="${provider}"]`)
  await expect(row).toHaveCount(1, { timeout: 60_000 })
  await row.scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'e2e/artifacts/bid-matched.png' })
  const v = await rpc(page, 'market.view')
  const { periodMs, dayMs } = v.limits
  const periods = BigInt(Math.ceil(dayMs / periodMs))
  const lock = lockOf(UNIT / 2n, periods, BigInt(periodMs), BigInt(dayMs))
  await expect
    .poll(async () => BigInt((await rpc(page, 'market.view')).balance))
    .toBe(before - lock - MIN_FEE)
}
