// Counts what the core dropped at its boundary, by source and reason, for the diagnostics
// panel and the tests that send garbage. Bounded: only known sources and reasons make keys.
const MAX_KEYS = 128

export const createDropCounters = () => {
  const counts = new Map<string, number>()
  return {
    count(source: string, reason: string) {
      const key = `${source}:${reason}`
      if (!counts.has(key) && counts.size >= MAX_KEYS) return
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    snapshot(): Record<string, number> {
      return Object.fromEntries(counts)
    },
  }
}
