// Seeded deterministic randomness (xoshiro128**, seeded by splitmix32) for the simulator,
// property tests and any protocol code that needs reproducible choices. Never for keys.
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number
  /** Uniform float in [0, 1). */
  float(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  bytes(n: number): Uint8Array
  pick<T>(xs: readonly T[]): T
  fork(label: number): Rng
}

const splitmix32 = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export const createRng = (seed: number): Rng => {
  const sm = splitmix32(seed)
  const s = new Uint32Array([sm(), sm(), sm(), sm()])
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0
    const t = (s[1]! << 9) >>> 0
    s[2]! ^= s[0]!
    s[3]! ^= s[1]!
    s[1]! ^= s[2]!
    s[0]! ^= s[3]!
    s[2]! ^= t
    s[3] = rotl(s[3]!, 11)
    return result
  }
  const rng: Rng = {
    u32,
    float: () => u32() / 4294967296,
    int: (n) => {
      if (!(n > 0)) throw new RangeError('int(n) needs n > 0')
      return Math.floor((u32() / 4294967296) * n)
    },
    bytes: (n) => {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff
      return out
    },
    pick: (xs) => {
      if (xs.length === 0) throw new RangeError('pick from empty')
      return xs[rng.int(xs.length)]!
    },
    fork: (label) => createRng((u32() ^ Math.imul(label + 1, 0x9e3779b1)) >>> 0),
  }
  return rng
}
