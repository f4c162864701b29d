// The market tests' genesis parameters: the smallest sectors and cheapest seals the parameters
// allow, short periods and start deadlines, so real seal and window proofs cost milliseconds. Pure
// (no Node APIs): the simulator's market, which also runs in the browser, builds on it.
export const SMALL_MARKET = {
  minSectorSize: 2048,
  maxSectorSize: 8192,
  sealLayers: 2,
  sealChallenges: 4,
  postChallenges: 4,
  ticketMaxAge: 8,
  sealDelay: 1,
  proveCommitLedgers: 16,
  provingPeriodLedgers: 4,
  windowLedgers: 2,
  maxConsecutiveFaults: 2,
  faultFeePermille: 100,
  declaredFaultFeePermille: 20,
  noStartPenaltyPermille: 200,
  slashToClientPermille: 500,
  maxStartLedgers: 64,
  handOverLedgers: 12,
  bidLedgers: 16,
}
