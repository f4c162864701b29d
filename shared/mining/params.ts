// Mining parameters: every knob of the daily distribution in one typed object, carried by the
// genesis config. Fractions are integer parts per million (see fixed.ts) so that no float ever
// decides money; amounts are bigint base units (1 WATT = 10^7 units).
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { PPM } from './fixed.ts'

export interface MiningParams {
  /** Phase-1 pool in base units (main network: 6e9 WATT). */
  readonly phase1Pool: bigint
  /** Days over which the pool is released linearly (main network: 1,461). */
  readonly phase1Days: number
  /** Trust of an account nobody vouched for, ppm (0.25 -> 250_000). */
  readonly trustFloorPpm: number
  /** Score at or above which a circle member or invitee counts as active-trusted, ppm. */
  readonly scoreThresholdPpm: number
  /** Degree-normalized trust, as a share of the trust-weighted median, at which score reaches 1, ppm. */
  readonly scoreSaturationPpm: number
  /** Weight bonus per active circle member, ppm (0.2 -> 200_000), counted up to circleCap. */
  readonly circleBonusPpm: number
  readonly circleCap: number
  /** Weight bonus per active invitee, ppm (0.25 -> 250_000), counted up to referralCap. */
  readonly referralBonusPpm: number
  readonly referralCap: number
  /** Weight of a validator that signed every EXTERNALIZE of the day, ppm of a weight unit. */
  readonly nodeWeightPpm: number
  /** Circle size bounds accepted by setCircle. */
  readonly circleMin: number
  readonly circleMax: number
}

const WATT = 10_000_000n

export const defaultMiningParams: MiningParams = {
  phase1Pool: 6_000_000_000n * WATT,
  phase1Days: 1461,
  trustFloorPpm: 250_000,
  scoreThresholdPpm: 200_000,
  scoreSaturationPpm: 500_000,
  circleBonusPpm: 200_000,
  circleCap: 5,
  referralBonusPpm: 250_000,
  referralCap: 10,
  nodeWeightPpm: 2_000_000,
  circleMin: 3,
  circleMax: 5,
}

const intIn = (x: number, lo: number, hi: number): boolean => Number.isSafeInteger(x) && x >= lo && x <= hi

/** Checks ranges that keep every intermediate product of the weight formula below 2^53. */
export const validateMiningParams = (
  p: MiningParams,
): Result<MiningParams, WattError<'mining/bad-params'>> => {
  const bad = (field: string) => err(wattError('mining/bad-params', { field }))
  if (typeof p.phase1Pool !== 'bigint' || p.phase1Pool < 0n) return bad('phase1Pool')
  if (!intIn(p.phase1Days, 1, 1_000_000)) return bad('phase1Days')
  if (!intIn(p.trustFloorPpm, 0, PPM)) return bad('trustFloorPpm')
  if (!intIn(p.scoreThresholdPpm, 0, PPM)) return bad('scoreThresholdPpm')
  if (!intIn(p.scoreSaturationPpm, 1, 100 * PPM)) return bad('scoreSaturationPpm')
  if (!intIn(p.circleBonusPpm, 0, PPM)) return bad('circleBonusPpm')
  if (!intIn(p.circleCap, 0, 20)) return bad('circleCap')
  if (!intIn(p.referralBonusPpm, 0, PPM)) return bad('referralBonusPpm')
  if (!intIn(p.referralCap, 0, 20)) return bad('referralCap')
  if (!intIn(p.nodeWeightPpm, 0, 1000 * PPM)) return bad('nodeWeightPpm')
  if (!intIn(p.circleMin, 1, 100) || !intIn(p.circleMax, p.circleMin, 100)) return bad('circleMin/circleMax')
  return ok(p)
}
