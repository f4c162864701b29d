// Fixed-point helpers for mining economics. Every number that decides money is an integer:
// fractions are parts per million (PPM = 10^6 means 1.0), and trust mass is an integer held in
// a float64 that never exceeds 2^53, so each operation below is exact on every JS engine.
export const PPM = 1_000_000

/** Exact floor(a / d) for non-negative safe integers a and positive safe integer d. */
export const floorDiv = (a: number, d: number): number => (a - (a % d)) / d

/** floor(a * b / d) computed in bigint, for products that may pass 2^53. */
export const mulDiv = (a: number, b: number, d: number): number => Number((BigInt(a) * BigInt(b)) / BigInt(d))

/** Number of bits of n (ceil(log2(n + 1))), an integer stand-in for log2 in step counts. */
export const bitLength = (n: number): number => {
  let bits = 0
  for (let x = Math.max(0, Math.floor(n)); x > 0; x = floorDiv(x, 2)) bits++
  return bits
}
