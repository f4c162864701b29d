// The market's arithmetic, all in bigint base units (docs/market.md, "Amounts"):
//   term price  = ceil(price/GiB/day x size x periods x periodMs / (GiB x dayMs))
//   collateral  = ceil(collateral/GiB x size / GiB)
//   window i of n pays floor(total (i+1) / n) - floor(total i / n)   (the shares sum to total)
//   a penalty   = collateral at publication x permille / 1000, at most what is left
//   of which the client gets floor(penalty x slashToClientPermille / 1000), the fee pool the rest
//   client collateral of a replica = floor(term price x clientCollateralPermille / 1000)
import type { MarketParams } from './params.ts'

const GIB = 1n << 30n

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b

/** The sector a piece of `size` bytes is sealed into: a power of two, at least minSectorSize. */
export const sectorSizeFor = (p: MarketParams, size: number): number => {
  let s = p.minSectorSize
  while (s < size) s *= 2
  return s
}

export const termPrice = (
  pricePerGiBDay: bigint,
  size: number,
  periods: number,
  periodMs: number,
  dayMs: number,
): bigint => ceilDiv(pricePerGiBDay * BigInt(size) * BigInt(periods) * BigInt(periodMs), GIB * BigInt(dayMs))

export const collateralFor = (perGiB: bigint, size: number): bigint => ceilDiv(perGiB * BigInt(size), GIB)

export const windowShare = (total: bigint, periods: number, i: number): bigint =>
  (total * BigInt(i + 1)) / BigInt(periods) - (total * BigInt(i)) / BigInt(periods)

export const penaltyOf = (collateral0: bigint, permille: number, left: bigint): bigint => {
  const fee = (collateral0 * BigInt(permille)) / 1000n
  return fee < left ? fee : left
}

export const clientShareOf = (p: MarketParams, penalty: bigint): bigint =>
  (penalty * BigInt(p.slashToClientPermille)) / 1000n

export const clientCollateralOf = (p: MarketParams, total: bigint): bigint =>
  (total * BigInt(p.clientCollateralPermille)) / 1000n
