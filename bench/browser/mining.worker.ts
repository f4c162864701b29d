// Dedicated-worker entry of the browser mining benchmark: times one day's distribution for each
// requested size and posts the timings (or the error) back to the page.
import { timeMiningDay } from './mining-day.ts'

addEventListener('message', (e: MessageEvent<{ sizes: number[] }>) => {
  try {
    const runs = e.data.sizes.map((n) => timeMiningDay(n, n >= 1_000_000 ? 1 : 2))
    postMessage({ ok: true, runs })
  } catch (err) {
    postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) })
  }
})
