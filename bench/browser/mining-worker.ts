// Mining benchmark in a Chromium dedicated worker (issue 6): one day's distribution for 10^4,
// 10^5 and 10^6 accounts, loaded through a Vite dev server started here. The aim is 10^6 accounts
// within 10 s in the worker (validators compute it inside a ledger close); the same 10^5-account
// day timed in this Node process just before and after (the faster counts) gives the browser/Node ratio.
// Writes bench/results/mining-browser.json. Run: npx node bench/browser/mining-worker.ts [sizes...]
import { resolve } from 'node:path'
import { launchChromium } from './chromium.ts'
import { type DayTiming, timeMiningDay } from './mining-day.ts'
import { round, writeResult } from './report.ts'
import { startViteDevServer } from './servers.ts'

const args = process.argv.slice(2).map(Number)
const sizes = args.length > 0 ? args : [10_000, 100_000, 1_000_000]
const AIM_MS = 10_000
const REFERENCE = 100_000

// the Node reference is timed before and after the worker, so a change of load hits both sides
const nodeBefore = timeMiningDay(REFERENCE, 2)
const vite = await startViteDevServer()
const browser = await launchChromium()
try {
  const page = await browser.newPage()
  await page.goto(`${vite.url}/harness.html`)
  const url = `/@fs${resolve('bench/browser/mining.worker.ts')}`
  const out = (await page.evaluate(
    ({ url, sizes }) =>
      new Promise((done) => {
        const w = new Worker(url, { type: 'module' })
        w.onmessage = (e) => done(e.data)
        w.onerror = (e) => done({ ok: false, error: e.message })
        w.postMessage({ sizes })
      }),
    { url, sizes },
  )) as { ok: boolean; error?: string; runs?: DayTiming[] }
  if (!out.ok || !out.runs) throw new Error(`mining worker failed: ${out.error}`)
  const nodeAfter = timeMiningDay(REFERENCE, 2)
  const node = nodeBefore.msMin <= nodeAfter.msMin ? nodeBefore : nodeAfter
  const worker = out.runs
  const largest = worker.at(-1)!
  const ref = worker.find((r) => r.accounts === REFERENCE)
  const headline = [
    {
      label: `${largest.accounts} accounts in the worker / ${AIM_MS / 1000} s aim`,
      ratio: round(largest.msMin / AIM_MS),
    },
  ]
  if (ref)
    headline.push({
      label: `${REFERENCE} accounts: worker / Node time`,
      ratio: round(ref.msMin / node.msMin),
    })
  writeResult('mining-browser', {
    chromium: browser.version(),
    headline,
    figures: { aimMs: AIM_MS, worker, nodeReference: { before: nodeBefore, after: nodeAfter } },
  })
} finally {
  await browser.close()
  vite.stop()
}
