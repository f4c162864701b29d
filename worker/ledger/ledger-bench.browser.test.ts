// The ledger benchmark in a dedicated worker in Chromium (WebCrypto + IndexedDB). Skipped unless
// BENCH=1; writes bench/results/ledger-browser.json.
// Run: BENCH=1 npx playwright test --project=browser worker/ledger/ledger-bench
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect, test } from '@playwright/test'

test('ledger benchmark in a browser worker', async ({ page }) => {
  test.skip(!process.env.BENCH, 'benchmark: set BENCH=1')
  test.setTimeout(600_000)
  await page.goto('/harness.html')
  const background = Number(process.env.BENCH_ACCOUNTS ?? 100_000)
  const url = `/@fs${resolve('worker/ledger/ledger-bench.worker.ts')}`
  const out = await page.evaluate(
    ({ url, background }) =>
      new Promise((done) => {
        const w = new Worker(url, { type: 'module' })
        w.onmessage = (e) => done(e.data)
        w.onerror = (e) => done({ ok: false, error: e.message })
        w.postMessage({ background, payments: 1000, ledgers: 6 })
      }),
    { url, background },
  )
  const r = out as { ok: boolean; error?: string; result?: unknown }
  expect(r.error).toBeUndefined()
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(
    'bench/results/ledger-browser.json',
    `${JSON.stringify({ bench: 'ledger-browser', ...r }, null, 2)}\n`,
  )
})
