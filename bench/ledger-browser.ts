// Ledger benchmark in a Chromium dedicated worker (issue 3): the scenario of
// worker/ledger/ledger-bench.ts run by its worker entry, loaded through a Vite dev server started
// here: WebCrypto Ed25519 keys and verification, the IndexedDB ledger store. Payments verified
// and applied per second against WebCrypto verifications of the same signatures in the same
// worker; IndexedDB commit time per ledger of 1,000 payments. Writes bench/results/ledger-browser.json.
// Run: npx node bench/ledger-browser.ts [backgroundAccounts = 100000]
import { resolve } from 'node:path'
import { launchChromium } from './browser/chromium.ts'
import { round, writeResult } from './browser/report.ts'
import { startViteDevServer } from './browser/servers.ts'

const background = Number(process.argv[2] ?? 100_000)
const PAYMENTS = 1000
const LEDGERS = 6
/** The main-network close target: the budget a ledger's commit has to fit in. */
const CLOSE_TARGET_MS = 5000

interface LedgerBenchResult {
  ratio: number
  medianLedgerRatio: number
  verifyPerS: number
  paymentsVerifiedAndAppliedPerS: number
  meanCommitMs: number
}

const vite = await startViteDevServer()
const browser = await launchChromium()
try {
  const page = await browser.newPage()
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`))
  await page.goto(`${vite.url}/harness.html`)
  const url = `/@fs${resolve('worker/ledger/ledger-bench.worker.ts')}`
  const out = (await page.evaluate(
    ({ url, options }) =>
      new Promise((done) => {
        const w = new Worker(url, { type: 'module' })
        w.onmessage = (e) => done(e.data)
        w.onerror = (e) => done({ ok: false, error: e.message })
        w.postMessage(options)
      }),
    { url, options: { background, payments: PAYMENTS, ledgers: LEDGERS } },
  )) as { ok: boolean; error?: string; result?: LedgerBenchResult; cores?: number }
  if (!out.ok || !out.result) throw new Error(`ledger worker failed: ${out.error}`)
  const r = out.result
  writeResult('ledger-browser', {
    chromium: browser.version(),
    headline: [
      { label: 'payments verified+applied/s / WebCrypto verifies/s (worker)', ratio: r.ratio, aim: 0.6 },
      {
        label: 'IndexedDB commit of a 1,000-payment ledger / 5 s close',
        ratio: round(r.meanCommitMs / CLOSE_TARGET_MS),
      },
    ],
    figures: { workerCores: out.cores, closeTargetMs: CLOSE_TARGET_MS, ...r },
  })
} finally {
  await browser.close()
  vite.stop()
}
