// The PWA's simulator view: a seeded simulation of validators runs in a worker and the page
// shows ledgers closing and the verdict of the checkers.
import { expect, test } from '@playwright/test'

test('the Simulate screen runs SCP in a worker and reports agreement', async ({ page }) => {
  await page.goto('/')
  await page.getByTestId('tab-sim').click()
  await page.getByTestId('sim-run').click()
  await expect
    .poll(async () => Number(await page.getByTestId('sim-ledgers').textContent()), { timeout: 120_000 })
    .toBeGreaterThan(0)
  await expect(page.getByTestId('sim-result')).toContainText('agreed: ', { timeout: 180_000 })
  await expect(page.getByTestId('sim-result')).toContainText('0 forks')
  expect(Number(await page.getByTestId('sim-ledgers').textContent())).toBeGreaterThanOrEqual(20)
  await page.screenshot({ path: 'e2e/artifacts/sim-phone.png' })
})
