// Mining parameters: every knob of the daily distribution in one typed object. A network's
// values live in its genesis document (`config.params.mining`, absent fields take the defaults
// below) and then in the ledger (`core/protocol`), changed only by parameter upgrades; the
// operations and the close step get them through their context. Fractions are integer parts per
// million (see fixed.ts) so that no float ever decides money; amounts are bigint base units.
import { addressListParam, intParam, paramsSpec, textParam, unitsParam } from '../ledger/params.ts'
import type { Result, WattError } from '../util/errors.ts'
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
  /** Weight of a check-in by presence kind, ppm of the account's weight (docs/mining.md, "Presence"). */
  readonly passkeyWeightPpm: number
  readonly holdWeightPpm: number
  /** Relying-party ids whose passkeys may prove presence, comma-separated domain names. */
  readonly rpIds: string
  /** Passkeys one account may register. */
  readonly maxPasskeys: number
  /** Circle size bounds accepted by setCircle. */
  readonly circleMin: number
  readonly circleMax: number
  /**
   * The network's founding members: accounts where trust starts (with the operator accounts of
   * the validators in force, see node-link.ts). At most MAX_SEED_ACCOUNTS.
   */
  readonly seedAccounts: readonly string[]
}

const WATT = 10_000_000n

/** The most members a circle may ever have (the bound of circleMax); setCircle parses up to it. */
export const MAX_CIRCLE = 100

/** The most passkeys any account may ever register (the bound of maxPasskeys). */
export const MAX_PASSKEYS = 16

/** One or more lower-case domain names (labels of letters, digits and hyphens), comma-separated. */
const RP_IDS = /^[a-z0-9-]+(\.[a-z0-9-]+)*(,[a-z0-9-]+(\.[a-z0-9-]+)*)*$/

/** The allowed relying-party ids as a list. */
export const rpIdList = (p: MiningParams): string[] => p.rpIds.split(',')

/** The most seed accounts genesis may name. */
export const MAX_SEED_ACCOUNTS = 64

/** Ranges keep every intermediate product of the weight formula below 2^53. */
export const miningParams = paramsSpec<MiningParams>(
  {
    phase1Pool: unitsParam(6_000_000_000n * WATT),
    phase1Days: intParam(1461, 1, 1_000_000),
    trustFloorPpm: intParam(250_000, 0, PPM),
    scoreThresholdPpm: intParam(200_000, 0, PPM),
    scoreSaturationPpm: intParam(500_000, 1, 100 * PPM),
    circleBonusPpm: intParam(200_000, 0, PPM),
    circleCap: intParam(5, 0, 20),
    referralBonusPpm: intParam(250_000, 0, PPM),
    referralCap: intParam(10, 0, 20),
    nodeWeightPpm: intParam(2_000_000, 0, 1000 * PPM),
    passkeyWeightPpm: intParam(PPM, 0, PPM),
    holdWeightPpm: intParam(500_000, 0, PPM),
    rpIds: textParam('localhost', RP_IDS),
    maxPasskeys: intParam(4, 1, MAX_PASSKEYS),
    circleMin: intParam(3, 1, MAX_CIRCLE),
    circleMax: intParam(5, 1, MAX_CIRCLE),
    seedAccounts: addressListParam(MAX_SEED_ACCOUNTS),
  },
  (p) => (p.circleMax < p.circleMin ? 'circleMax' : undefined),
)

export const defaultMiningParams: MiningParams = miningParams.defaults

/** Checks a params object (built in code, e.g. a test's) against the same ranges as the genesis parser. */
export const validateMiningParams = (p: MiningParams): Result<MiningParams, WattError<'bad_params'>> =>
  miningParams.parse(miningParams.toJson(p))
