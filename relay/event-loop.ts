// Event-loop lag of the relay process: how late timers fire, sampled by Node's
// monitorEventLoopDelay and reported for the current window of up to a minute (the window
// restarts every minute so that an old stall does not hide how the loop is doing now).
import { monitorEventLoopDelay } from 'node:perf_hooks'

export const LAG_WINDOW_MS = 60_000

export interface EventLoopLag {
  /** Seconds, over the current window: median, 99th percentile and largest delay. */
  lag(): { p50: number; p99: number; max: number }
  stop(): void
}

export const watchEventLoop = (): EventLoopLag => {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  const timer = setInterval(() => h.reset(), LAG_WINDOW_MS)
  timer.unref()
  const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0)
  return {
    lag: () =>
      h.count === 0
        ? { p50: 0, p99: 0, max: 0 }
        : { p50: s(h.percentile(50)), p99: s(h.percentile(99)), max: s(h.max) },
    stop: () => {
      clearInterval(timer)
      h.disable()
    },
  }
}
