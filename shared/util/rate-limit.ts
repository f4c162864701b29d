// Per-peer message budgets for gossip (token buckets): a flooding peer loses its excess
// messages before they cost a signature check. Bounded in the number of peers tracked.
export interface RateLimiter {
  allow(peer: string): boolean
  dropped(): number
}

export const createRateLimiter = (
  perSecond: number,
  burst: number,
  now: () => number,
  maxPeers = 512,
): RateLimiter => {
  const buckets = new Map<string, { tokens: number; at: number }>()
  let dropped = 0
  return {
    allow(peer) {
      const t = now()
      let b = buckets.get(peer)
      if (!b) {
        if (buckets.size >= maxPeers) buckets.delete(buckets.keys().next().value!)
        b = { tokens: burst, at: t }
        buckets.set(peer, b)
      }
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond)
      b.at = t
      if (b.tokens < 1) {
        dropped++
        return false
      }
      b.tokens -= 1
      return true
    },
    dropped: () => dropped,
  }
}
