// The ledger store acceptance suite against real IndexedDB in Chromium (through the Vite harness).
import { resolve } from 'node:path'
import { expect, type Page, test } from '@playwright/test'

type Outcome = { passed: string[]; failed: string[] }

/** Vite may reload the page once while it optimizes newly seen dependencies: retry after a reload. */
const runInPage = async (page: Page, path: string): Promise<Outcome> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await page.evaluate(async (p) => {
        const m = await import(/* @vite-ignore */ p)
        return m.runIdbStoreAcceptance()
      }, path)
    } catch (e) {
      if (attempt >= 2 || !String(e).includes('Execution context was destroyed')) throw e
      await page.waitForLoadState('load')
    }
  }
}

test('IndexedDB ledger store passes the store acceptance suite', async ({ page }) => {
  await page.goto('/harness.html')
  const result = await runInPage(page, `/@fs${resolve('worker/ledger/store-acceptance-run.ts')}`)
  expect(result.failed).toEqual([])
  expect(result.passed.length).toBe(6)
})
