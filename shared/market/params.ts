// The market's genesis parameters (docs/market.md). Ledger counts, not clock time, set every
// deadline: a proving period is `provingPeriodLedgers` ledgers split into windows of
// `windowLedgers`; a day (for prices per GiB per day) is the genesis `dayLengthMs`. Penalties are
// in permille of a replica's collateral at publication.
import { intParam, paramsSpec } from '../ledger/params.ts'
import { MAX_SECTOR, MIN_SECTOR } from '../storage/params.ts'

/** Ledgers of header randomness the market keeps (tickets and seal seeds are drawn inside it). */
export const RANDOMNESS_RING = 1024

export interface MarketParams {
  /** Smallest sector a deal is sealed into (pieces are padded up to a power of two, at least this). */
  readonly minSectorSize: number
  /** Largest piece, and so sector; one deal replica is one sector. */
  readonly maxSectorSize: number
  readonly sealLayers: number
  readonly sealChallenges: number
  /** Replica nodes a window proof opens per sector. */
  readonly postChallenges: number
  /** Oldest ticket a pre-commit may name, in ledgers before it. */
  readonly ticketMaxAge: number
  /** Ledgers from a pre-commit to the ledger whose header seeds its seal-proof challenges. */
  readonly sealDelay: number
  /** Ledgers after the seed ledger within which the seal proof must be complete. */
  readonly proveCommitLedgers: number
  readonly provingPeriodLedgers: number
  /** A window's length: its challenges come from the ledger it opens at; its proof is due by its end. */
  readonly windowLedgers: number
  /** Consecutive faulty windows that terminate a replica. */
  readonly maxConsecutiveFaults: number
  readonly faultFeePermille: number
  /** The fee of a window the provider declared faulty before it opened. */
  readonly declaredFaultFeePermille: number
  /** Taken when a replica is not active by its deal's start deadline. */
  readonly noStartPenaltyPermille: number
  /** Share of every penalty paid to the client; the rest goes to the fee pool. */
  readonly slashToClientPermille: number
  readonly maxReplicas: number
  readonly maxDealPeriods: number
  /** How far ahead of its publication a deal's start deadline may be, in ledgers. */
  readonly maxStartLedgers: number
  /** Ledgers a provider taking a replica over has to make its successor replica active. */
  readonly handOverLedgers: number
  /** Seal proofs verified per ledger at most (each costs milliseconds for every validator). */
  readonly maxSealVerifiesPerLedger: number
  /** Sectors sharing one window position (what a window's close step visits). */
  readonly maxSectorsPerWindow: number
  /** The client's collateral per replica, in permille of the replica's term price. */
  readonly clientCollateralPermille: number
  /** Ledgers a bid stays open for matching (from the one it is posted in); then it expires. */
  readonly bidLedgers: number
  /** Open bids on the network at most, and per client. */
  readonly maxOpenBids: number
  readonly maxBidsPerClient: number
  /** Open bids the close step tries to match per ledger (each try reads the standing asks). */
  readonly bidsPerLedger: number
}

const permille = (def: number) => intParam(def, 0, 1000)

export const marketParams = paramsSpec<MarketParams>(
  {
    minSectorSize: intParam(1 << 20, MIN_SECTOR, MAX_SECTOR),
    maxSectorSize: intParam(MAX_SECTOR, MIN_SECTOR, MAX_SECTOR),
    sealLayers: intParam(8, 1, 16),
    sealChallenges: intParam(40, 1, 256),
    postChallenges: intParam(10, 1, 64),
    ticketMaxAge: intParam(64, 1, 256),
    sealDelay: intParam(2, 1, 64),
    proveCommitLedgers: intParam(240, 1, RANDOMNESS_RING - 64),
    provingPeriodLedgers: intParam(720, 1, 1_000_000),
    windowLedgers: intParam(2, 1, 512),
    maxConsecutiveFaults: intParam(3, 1, 1000),
    faultFeePermille: permille(50),
    declaredFaultFeePermille: permille(10),
    noStartPenaltyPermille: permille(100),
    slashToClientPermille: permille(500),
    maxReplicas: intParam(8, 1, 16),
    maxDealPeriods: intParam(100_000, 1, 10_000_000),
    maxStartLedgers: intParam(17_280, 1, 10_000_000),
    handOverLedgers: intParam(2_880, 1, 10_000_000),
    maxSealVerifiesPerLedger: intParam(4, 1, 64),
    maxSectorsPerWindow: intParam(10_000, 1, 1_000_000),
    clientCollateralPermille: permille(50),
    bidLedgers: intParam(720, 1, 1_000_000),
    maxOpenBids: intParam(256, 1, 10_000),
    maxBidsPerClient: intParam(8, 1, 1000),
    bidsPerLedger: intParam(8, 1, 256),
  },
  (p) => {
    if ((p.minSectorSize & (p.minSectorSize - 1)) !== 0) return 'minSectorSize'
    if ((p.maxSectorSize & (p.maxSectorSize - 1)) !== 0 || p.maxSectorSize < p.minSectorSize)
      return 'maxSectorSize'
    if (p.windowLedgers > p.provingPeriodLedgers || p.provingPeriodLedgers % p.windowLedgers !== 0)
      return 'windowLedgers'
    if (p.sealDelay + p.proveCommitLedgers > RANDOMNESS_RING - 1) return 'proveCommitLedgers'
    if (p.bidLedgers >= p.maxStartLedgers) return 'bidLedgers'
    return undefined
  },
)

/** Window positions in a period: a sector's position is its number modulo this. */
export const windowsPerPeriod = (p: MarketParams): number => p.provingPeriodLedgers / p.windowLedgers
