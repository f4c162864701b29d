// Consensus benchmark of real browser validators (issue 4): a devnet of 4 headless Chromium
// validators at a 1 s close interval (tools/devnet.ts). Each validator page records every ledger
// it shows on its Node screen (`ledger-seq`, and `ledger-close-ms`: nomination start to the
// ledger externalized, applied and stored). Reports that latency's p50/p99 and ledgers per minute
// over a measured window, against the 60 per minute a 1 s interval allows.
// Writes bench/results/consensus-devnet.json. Run: npx node bench/consensus-devnet.ts [windowS = 60]
import type { Page } from '@playwright/test'
import { startDevnet } from '../tools/devnet.ts'
import { percentile, round, writeResult } from './browser/report.ts'
import { ensureDist } from './browser/servers.ts'

const VALIDATORS = 4
const CLOSE_INTERVAL_MS = 1000
const windowS = Number(process.argv[2] ?? 60)

interface Seen {
  seq: number
  closeMs: number | undefined
}

/** In the page: polls the ledger card every 50 ms and keeps each newly shown ledger (bounded). */
const watchLedgers = () => {
  const g = globalThis as { benchSeen?: Seen[] }
  g.benchSeen = []
  let last = -1
  setInterval(() => {
    const seq = Number(document.querySelector('[data-testid="ledger-seq"]')?.textContent ?? 0)
    if (seq === last || g.benchSeen!.length >= 10_000) return
    last = seq
    const ms = Number(document.querySelector('[data-testid="ledger-close-ms"]')?.textContent)
    g.benchSeen!.push({ seq, closeMs: Number.isFinite(ms) ? ms : undefined })
  }, 50)
}

/** The ledger the page shows now; 0 before its Node screen renders. */
const seqOf = (p: Page): Promise<number> =>
  p.evaluate(() => Number(document.querySelector('[data-testid="ledger-seq"]')?.textContent ?? 0))

ensureDist()
const devnet = await startDevnet({
  port: 0,
  host: '127.0.0.1',
  network: 'bench',
  validators: VALIDATORS,
  closeIntervalMs: CLOSE_INTERVAL_MS,
  dayLengthMs: 3_600_000,
  staticDir: 'dist',
  log: () => {},
})
try {
  if (!devnet.browser) throw new Error('no Chromium for the validators')
  const pages = devnet.browser.contexts().map((c) => c.pages()[0]!)
  const t0 = performance.now()
  // started: every validator has closed a few ledgers
  for (;;) {
    const seqs = await Promise.all(pages.map(seqOf))
    if (seqs.every((x) => x >= 3)) break
    if (performance.now() - t0 > 240_000) throw new Error(`validators stuck at ledgers ${seqs.join(', ')}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  const startupMs = performance.now() - t0
  for (const p of pages) await p.evaluate(watchLedgers)
  const seqStart = await Promise.all(pages.map(seqOf))
  await new Promise((r) => setTimeout(r, windowS * 1000))
  const seqEnd = await Promise.all(pages.map(seqOf))
  const seen = await Promise.all(
    pages.map((p) => p.evaluate(() => (globalThis as { benchSeen?: Seen[] }).benchSeen ?? [])),
  )
  const closeMs = seen.flatMap((s) => s.slice(1).flatMap((x) => (x.closeMs === undefined ? [] : [x.closeMs])))
  const perMinute = seqStart.map((s, i) => round(((seqEnd[i]! - s) * 60) / windowS, 1))
  const lpm = percentile(perMinute, 50)
  const targetPerMinute = 60_000 / CLOSE_INTERVAL_MS
  writeResult('consensus-devnet', {
    chromium: devnet.browser.version(),
    headline: [
      {
        label: `ledgers per minute (4 browser validators) / ${targetPerMinute} at a 1 s interval`,
        ratio: round(lpm / targetPerMinute),
      },
      {
        label: 'close latency p50 / close interval',
        ratio: round(percentile(closeMs, 50) / CLOSE_INTERVAL_MS),
      },
    ],
    figures: {
      validators: VALIDATORS,
      closeIntervalMs: CLOSE_INTERVAL_MS,
      windowS,
      startupToLedger3Ms: Math.round(startupMs),
      ledgersPerMinute: { perValidator: perMinute, p50: lpm },
      closeLatencyMs: {
        samples: closeMs.length,
        p50: percentile(closeMs, 50),
        p99: percentile(closeMs, 99),
        max: closeMs.length ? Math.max(...closeMs) : undefined,
      },
      seqAtStart: seqStart,
      seqAtEnd: seqEnd,
    },
  })
} finally {
  await devnet.stop()
}
