// Per-key rate limits (a key is a client IP): a token bucket per key that holds at most one
// minute's allowance and refills continuously, so `perMinute` requests in a burst pass and
// after that one per 60/perMinute seconds. The table of keys is bounded: when it is full the
// key seen longest ago is forgotten (it then starts again with a full bucket, which only
// ever errs towards letting a client in).
export const MAX_RATE_KEYS = 10_000

export interface RateLimiter {
  /** Takes one token for `key`: 0 if allowed, else the milliseconds until a token is back. */
  take(key: string, nowMs: number): number
  /** Keys tracked now (at most MAX_RATE_KEYS). */
  size(): number
}

interface Bucket {
  tokens: number
  atMs: number
}

export const rateLimiter = (perMinute: number, maxKeys = MAX_RATE_KEYS): RateLimiter => {
  const perMs = perMinute / 60_000
  const buckets = new Map<string, Bucket>()
  return {
    take(key, nowMs) {
      const b = buckets.get(key) ?? { tokens: perMinute, atMs: nowMs }
      // re-inserted on every use: the Map's first key is the one seen longest ago
      buckets.delete(key)
      if (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next().value
        if (oldest !== undefined) buckets.delete(oldest)
      }
      b.tokens = Math.min(perMinute, b.tokens + Math.max(0, nowMs - b.atMs) * perMs)
      b.atMs = nowMs
      buckets.set(key, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return 0
      }
      return Math.ceil((1 - b.tokens) / perMs)
    },
    size: () => buckets.size,
  }
}
