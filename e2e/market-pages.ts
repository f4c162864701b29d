// E2E helpers for the storage market's screens: a wallet funded from the faucet, an ask posted
// through the Offer space form, the market view by RPC and a deal row by provider.
import { expect, type Page } from '@playwright/test'
import { rpc } from './ledger-pages.ts'
import { fillPin } from './nodes.ts'

export const fundedWallet = async (page: Page): Promise<string> => {
  await page.getByTestId('tab-wallet').click()
  await expect(page.getByTestId('ledger-seq')).toHaveText(/^\d+$/, { timeout: 120_000 })
  await fillPin(page, 'create')
  await page.getByTestId('wallet-create').click({ timeout: 60_000 })
  const address = (await page.getByTestId('wallet-address').textContent())!.trim()
  await page.getByTestId('faucet-request').click()
  await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 180_000 })
  return address
}

export const postAsk = async (page: Page, price: string) => {
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('ask-price').fill(price)
  await page.getByTestId('ask-collateral').fill('10')
  await page.getByTestId('ask-capacity').fill('0.25')
  await page.getByTestId('ask-submit').click()
  await expect(page.getByTestId('ask-status')).toContainText('ask on the ledger', { timeout: 120_000 })
}

export type Row = Awaited<ReturnType<typeof view>>['deals'][number]
export const view = (page: Page) => rpc(page, 'market.view')
export const rowOf = async (page: Page, provider: string): Promise<Row | undefined> =>
  (await view(page)).deals.find((r) => r.provider === provider)

/** A deal row of `list` (`deal-list` or `provider-deals`) by its provider. */
export const item = (page: Page, list: string, provider: string) =>
  page.getByTestId(list).locator(`[data-testid="deal-item"][data-provider="${provider}"]`)
