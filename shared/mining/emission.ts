// The phase-1 emission schedule: the pool is released linearly, one equal integer slice a day;
// the last scheduled day (and any day after it) takes whatever is left, so the pool is paid
// out exactly, never more; once it is empty phase 1 is over for good.
import type { MiningParams } from './params.ts'

/** Emission offered on day `day` (0 = genesis day) given what is left of the phase-1 pool. */
export const dayEmission = (day: number, phase1Remaining: bigint, params: MiningParams): bigint => {
  if (phase1Remaining <= 0n) return 0n
  if (day >= params.phase1Days - 1) return phase1Remaining
  const slice = params.phase1Pool / BigInt(params.phase1Days)
  return slice < phase1Remaining ? slice : phase1Remaining
}
