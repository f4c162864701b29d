// The weight formula of one active account, in integer weight units (PPM = a fully trusted
// account with no bonus, checked in with a passkey):
//   w = trust * presence * (1 + circleBonus*min(circleActive, circleCap)) * (1 + referralBonus*min(referralsActive, referralCap))
//       + nodeWeight * signed / ledgersInDay          (validators that took part)
// where presence is passkeyWeight or holdWeight by the check-in's kind, with each product floored
// in turn. Parameter bounds (params.ts) keep every product < 2^53.
import { floorDiv, PPM } from './fixed.ts'
import type { MiningParams } from './params.ts'

export interface WeightParts {
  /** trust = trustFloor + (1 - trustFloor) * score, ppm. */
  readonly trust: number
  readonly base: number
  readonly circle: number
  readonly referral: number
  readonly node: number
  readonly total: number
}

export const trustOf = (scorePpm: number, p: MiningParams): number =>
  p.trustFloorPpm + floorDiv((PPM - p.trustFloorPpm) * scorePpm, PPM)

/** Node part: nodeWeight scaled by the share of the day's ledgers the validator signed. */
export const nodeWeightOf = (signed: number, ledgersInDay: number, p: MiningParams): number =>
  ledgersInDay > 0 && signed > 0
    ? floorDiv(p.nodeWeightPpm * Math.min(signed, ledgersInDay), ledgersInDay)
    : 0

export const weightOf = (
  person: {
    checkedIn: boolean
    score: number
    circleActive: number
    referralsActive: number
    /** The check-in's presence weight, ppm (passkeyWeightPpm or holdWeightPpm). */
    presencePpm: number
  },
  node: number,
  p: MiningParams,
): WeightParts => {
  const trust = trustOf(person.score, p)
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
