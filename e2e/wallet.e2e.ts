// The wallet end to end on its own devnet (relay + genesis with a faucet + one validator tab):
// a user creates a wallet and confirms the backup, takes faucet WATT, pays a second user; both
// balances and histories update and the fee lands in the fee pool. Bad input shows its code.
import { expect, type Page, test } from '@playwright/test'
import { closeAll, fillPin, openNode } from './nodes.ts'
import { openWallet, useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_WALLET_PORT ?? 8397)
const net = useWalletDevnet(PORT, 'e2e-wallet')

test.describe.configure({ timeout: 300_000 })

/** Creates a wallet; with `backup`, reads the phrase once and re-enters the words asked for. */
const createWallet = async (page: Page, backup: boolean): Promise<string> => {
  await fillPin(page, 'create')
  await page.getByTestId('wallet-create').click()
  await expect(page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'pending')
  await expect(page.getByTestId('backup-word')).toHaveCount(24)
  const words = await page.getByTestId('backup-word').allTextContents()
  expect(words).toHaveLength(24)
  if (backup) {
    await page.getByTestId('backup-written').click()
    const inputs = page.locator('[data-testid^="backup-word-"]')
    await expect(inputs).toHaveCount(3)
    for (const id of await inputs.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))) {
      await page.getByTestId(id).fill(words[Number(id.slice('backup-word-'.length)) - 1]!)
    }
    await page.getByTestId('backup-confirm').click()
    await expect(page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'done')
  }
  const address = (await page.getByTestId('wallet-address').textContent())!.trim()
  expect(address).toMatch(/^W[A-Z2-7]{56}$/)
  return address
}

const send = async (page: Page, to: string, amount: string, fee = '') => {
  await page.getByTestId('send-to').fill(to)
  await page.getByTestId('send-amount').fill(amount)
  await page.getByTestId('send-fee').fill(fee)
  await page.getByTestId('send-submit').click()
}

test('faucet, a payment between two users, histories, fee pool and bad input', async ({ browser }) => {
  const a = await openNode(browser, `${net.url}/`)
  const b = await openNode(browser, `${net.url}/`)
  try {
    await openWallet(a.page)
    await openWallet(b.page)
    const addrA = await createWallet(a.page, true)
    const addrB = await createWallet(b.page, false)
    await expect(a.page.getByTestId('wallet-balance')).toHaveText('0')

    await a.page.getByTestId('faucet-request').click()
    await expect(a.page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 60_000 })
    await expect(a.page.getByTestId('wallet-balance')).toHaveText('100')

    await send(a.page, addrB, '12.5', '0.001')
    await expect(a.page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 60_000 })
    await expect(a.page.getByTestId('wallet-balance')).toHaveText('87.499')
    await expect(b.page.getByTestId('wallet-balance')).toHaveText('12.5', { timeout: 30_000 })

    const rowsA = a.page.getByTestId('tx-history').getByTestId('tx-item')
    await expect(rowsA).toHaveCount(2)
    await expect(rowsA.first()).toHaveAttribute('data-dir', 'out')
    await expect(rowsA.first()).toHaveAttribute('data-amount', '12.5')
    await expect(rowsA.first()).toHaveAttribute('data-state', 'applied')
    const rowsB = b.page.getByTestId('tx-history').getByTestId('tx-item')
    await expect(rowsB).toHaveCount(1)
    await expect(rowsB.first()).toHaveAttribute('data-dir', 'in')
    await expect(rowsB.first()).toHaveAttribute('data-amount', '12.5')
    await expect(rowsB.first()).toContainText(addrA.slice(0, 5))

    // the faucet's minimum fee (100 units) plus this payment's 0.001 WATT
    await expect(a.page.getByTestId('ledger-fee-pool')).toHaveText('0.00101')
    await expect(a.page.getByTestId('ledger-hash')).toHaveText(/^b[a-z2-7]{20,}$/)
    await expect(a.page.getByTestId('ledger-item').first()).toBeVisible()

    const typo = addrB.slice(0, 20) + (addrB[20] === 'Q' ? 'R' : 'Q') + addrB.slice(21)
    await send(a.page, typo, '1')
    await expect(a.page.getByTestId('tx-status')).toContainText('bad_address (bad_checksum)')
    await send(a.page, addrB, '1.2.3')
    await expect(a.page.getByTestId('tx-status')).toContainText('bad_amount (format)')
    await send(a.page, addrB, '1000')
    await expect(a.page.getByTestId('tx-status')).toContainText('insufficient_balance')
    await expect(rowsA).toHaveCount(2)

    await b.page.getByTestId('wallet-restore').locator('summary').click()
    await b.page.getByTestId('restore-phrase').fill('abandon '.repeat(23) + 'zoo')
    await fillPin(b.page, 'restore')
    b.page.once('dialog', (d) => void d.accept()) // replacing a wallet asks first
    await b.page.getByTestId('restore-submit').click()
    await expect(b.page.getByTestId('restore-error')).toContainText('bad_phrase (checksum)')

    await a.page.screenshot({ path: 'e2e/artifacts/wallet-phone.png', fullPage: true })
    await b.page.screenshot({ path: 'e2e/artifacts/wallet-phone-backup-pending.png', fullPage: true })
    await a.page.setViewportSize({ width: 1280, height: 800 })
    await a.page.screenshot({ path: 'e2e/artifacts/wallet-desktop.png', fullPage: true })
  } finally {
    await closeAll([a, b])
  }
})

test('keys survive a reload and the wallet restores from its phrase in another profile', async ({
  browser,
}) => {
  const a = await openNode(browser, `${net.url}/`)
  const b = await openNode(browser, `${net.url}/`)
  try {
    await openWallet(a.page)
    await fillPin(a.page, 'create')
    await a.page.getByTestId('wallet-create').click()
    await expect(a.page.getByTestId('backup-word')).toHaveCount(24)
    const words = await a.page.getByTestId('backup-word').allTextContents()
    const address = (await a.page.getByTestId('wallet-address').textContent())!.trim()
    await a.page.getByTestId('faucet-request').click()
    await expect(a.page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 60_000 })
    await a.page.reload()
    await openWallet(a.page)
    await expect(a.page.getByTestId('wallet-address')).toHaveText(address)
    // shown once: after a reload the phrase is gone, the backup warning stays
    await expect(a.page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'pending')
    await expect(a.page.getByTestId('backup-word')).toHaveCount(0)
    const stored = await a.page.evaluate(() => JSON.stringify(localStorage))
    expect(stored).not.toContain(words[0]!)

    await openWallet(b.page)
    await b.page.getByTestId('restore-phrase').fill(words.join(' '))
    await fillPin(b.page, 'restore')
    await b.page.getByTestId('restore-submit').click()
    await expect(b.page.getByTestId('wallet-address')).toHaveText(address)
    await expect(b.page.getByTestId('wallet-balance')).toHaveText('100')
    await expect(b.page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'done')
  } finally {
    await closeAll([a, b])
  }
})
