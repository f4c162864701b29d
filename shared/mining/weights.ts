// The weight formula of one active account, in integer weight units (PPM = a fully trusted
// account with no bonus, checked in with a passkey), where
//   trust = trustFloor * vouched + (1 - trustFloor) * max(0, score - threshold) / (1 - threshold)
// `vouched` says whether an account whose own score passes the threshold has it in its circle,
// and a score pays only what it has above the threshold: neither the floor nor the thin tail of
// trust that leaks into a Sybil region grows with the region (docs/mining.md, Sybil share):
//   w = trust * presence * (1 + circleBonus*min(circleActive, circleCap)) * (1 + referralBonus*min(referralsActive, referralCap))
//       + nodeWeight * signed / ledgersInDay          (validators that took part)
// where presence is passkeyWeight or holdWeight by the check-in's kind, with each product floored
// in turn. Parameter bounds (params.ts) keep every product < 2^53.
import { floorDiv, PPM } from './fixed.ts'
import type { MiningParams } from './params.ts'

export interface WeightParts {
  /** trust = trustFloor * vouched + (1 - trustFloor) * (score above the threshold), ppm. */
  readonly trust: number
  readonly base: number
  readonly circle: number
  readonly referral: number
  readonly node: number
  readonly total: number
}

/** The score's part of trust: 0 at or below the threshold, 1 - trustFloor at score 1, linear between. */
const scoreTrust = (scorePpm: number, p: MiningParams): number => {
  const above = scorePpm - p.scoreThresholdPpm
  if (above <= 0) return scorePpm === PPM && p.scoreThresholdPpm === PPM ? PPM - p.trustFloorPpm : 0
  return floorDiv((PPM - p.trustFloorPpm) * above, PPM - p.scoreThresholdPpm)
}

export const trustOf = (scorePpm: number, vouched: boolean, p: MiningParams): number =>
  (vouched ? p.trustFloorPpm : 0) + scoreTrust(scorePpm, p)

/** Node part: nodeWeight scaled by the share of the day's ledgers the validator signed. */
export const nodeWeightOf = (signed: number, ledgersInDay: number, p: MiningParams): number =>
  ledgersInDay > 0 && signed > 0
    ? floorDiv(p.nodeWeightPpm * Math.min(signed, ledgersInDay), ledgersInDay)
    : 0

export const weightOf = (
  person: {
    checkedIn: boolean
    score: number
    vouched: boolean
    circleActive: number
    referralsActive: number
    /** The check-in's presence weight, ppm (passkeyWeightPpm or holdWeightPpm). */
    presencePpm: number
  },
  node: number,
  p: MiningParams,
): WeightParts => {
  const trust = trustOf(person.score, person.vouched, p)
  if (!person.checkedIn) return { trust, base: 0, circle: 0, referral: 0, node, total: node }
  const present = floorDiv(trust * person.presencePpm, PPM)
  const circleFactor = PPM + p.circleBonusPpm * Math.min(person.circleActive, p.circleCap)
  const withCircle = floorDiv(present * circleFactor, PPM)
  const referralFactor = PPM + p.referralBonusPpm * Math.min(person.referralsActive, p.referralCap)
  const withReferral = floorDiv(withCircle * referralFactor, PPM)
  return {
    trust,
    base: present,
    circle: withCircle - present,
    referral: withReferral - withCircle,
    node,
    total: withReferral + node,
  }
}
