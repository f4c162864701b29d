// The mining e2e's own reference computation of one day's rewards, written from docs/mining.md
// and nothing else: plain maps and bigint, slow, one formula per line. It never calls the
// product's mining code, so a product bug cannot hide behind its own arithmetic.
import type { MiningParams } from '../shared/mining/params.ts'

export interface ReferenceDay {
  readonly day: number
  readonly checkedIn: readonly string[]
  /** The check-ins proved by press-and-hold (the weaker kind); the others by passkey. */
  readonly holdCheckIns: readonly string[]
  readonly circles: ReadonlyMap<string, readonly string[]>
  /** invitee -> ambassador */
  readonly invites: ReadonlyMap<string, string>
  /** validator account -> EXTERNALIZEs signed that day */
  readonly signed: ReadonlyMap<string, number>
  readonly ledgersInDay: number
  readonly seeds: readonly string[]
  readonly feePool: bigint
  readonly phase1Remaining: bigint
}

export interface ReferenceReward {
  readonly score: bigint
  readonly base: bigint
  readonly circle: bigint
  readonly referral: bigint
  readonly node: bigint
  readonly fee: bigint
  readonly total: bigint
}

const PPM = 1_000_000n
const min = (a: bigint, b: bigint) => (a < b ? a : b)

/** The trust walk: 2^32 split over the seeds, ceil(log2(n + 1)) steps, remainders kept. */
const walk = (d: ReferenceDay, names: readonly string[]) => {
  const seeds = [...new Set(d.seeds)]
  let mass = new Map(names.map((a) => [a, 0n]))
  for (const s of seeds) mass.set(s, 2n ** 32n / BigInt(seeds.length))
  const steps = names.length.toString(2).length
  for (let i = 0; i < steps; i++) {
    const next = new Map(names.map((a) => [a, 0n]))
    for (const u of names) {
      const t = mass.get(u)!
      const circle = d.circles.get(u) ?? []
      if (circle.length === 0) {
        next.set(u, next.get(u)! + t)
        continue
      }
      const share = t / BigInt(circle.length)
      next.set(u, next.get(u)! + t - share * BigInt(circle.length))
      for (const v of circle) next.set(v, next.get(v)! + share)
    }
    mass = next
  }
  return mass
}

/** Score per account: trust per voucher against half the trust-weighted median, capped at 1. */
const scores = (d: ReferenceDay, names: readonly string[], p: MiningParams) => {
  const mass = walk(d, names)
  const inDegree = (v: string) => BigInt([...d.circles.values()].filter((c) => c.includes(v)).length)
  const r = new Map(names.map((v) => [v, mass.get(v)! / (inDegree(v) > 0n ? inDegree(v) : 1n)]))
  const total = [...mass.values()].reduce((a, b) => a + b, 0n)
  const below = (x: bigint) => names.filter((v) => r.get(v)! <= x).reduce((a, v) => a + mass.get(v)!, 0n)
  const median = [0n, ...r.values()].sort((a, b) => (a < b ? -1 : 1)).find((x) => 2n * below(x) >= total)!
  let reference = (median * BigInt(p.scoreSaturationPpm)) / PPM
  if (reference < 1n) reference = 1n
  const score = new Map(names.map((v) => [v, r.get(v)! >= reference ? PPM : (r.get(v)! * PPM) / reference]))
  for (const s of d.seeds) score.set(s, PPM)
  return score
}

/** Every account's reward for the day, as docs/mining.md defines it. */
export const referenceRewards = (d: ReferenceDay, p: MiningParams): Map<string, ReferenceReward> => {
  const names = [
    ...new Set([
      ...d.checkedIn,
      ...d.signed.keys(),
      ...d.seeds,
      ...[...d.circles].flatMap(([u, c]) => [u, ...c]),
      ...[...d.invites].flat(),
    ]),
  ]
  const score = scores(d, names, p)
  const threshold = BigInt(p.scoreThresholdPpm)
  const floor = BigInt(p.trustFloorPpm)
  const active = (v: string) => d.checkedIn.includes(v) && score.get(v)! >= threshold
  const vouched = (v: string) =>
    d.seeds.includes(v) || [...d.circles].some(([u, c]) => c.includes(v) && score.get(u)! >= threshold)
  const parts = new Map<string, { trust: bigint; withCircle: bigint; withReferral: bigint; node: bigint }>()
  for (const v of names) {
    const above = score.get(v)! - threshold
    const trust = (vouched(v) ? floor : 0n) + (above > 0n ? ((PPM - floor) * above) / (PPM - threshold) : 0n)
    const presence = BigInt(d.holdCheckIns.includes(v) ? p.holdWeightPpm : p.passkeyWeightPpm)
    const present = (trust * presence) / PPM
    const circleActive = BigInt((d.circles.get(v) ?? []).filter(active).length)
    const referrals = BigInt([...d.invites].filter(([a, amb]) => amb === v && active(a)).length)
    const withCircle =
      (present * (PPM + BigInt(p.circleBonusPpm) * min(circleActive, BigInt(p.circleCap)))) / PPM
    const withReferral =
      (withCircle * (PPM + BigInt(p.referralBonusPpm) * min(referrals, BigInt(p.referralCap)))) / PPM
    const signed = BigInt(d.signed.get(v) ?? 0)
    const L = BigInt(d.ledgersInDay)
    const node = L > 0n ? (BigInt(p.nodeWeightPpm) * min(signed, L)) / L : 0n
    const checked = d.checkedIn.includes(v)
    parts.set(
      v,
      checked
        ? { trust: present, withCircle, withReferral, node }
        : { trust: 0n, withCircle: 0n, withReferral: 0n, node },
    )
  }
  const weight = (v: string) => parts.get(v)!.withReferral + parts.get(v)!.node
  const W = names.reduce((a, v) => a + weight(v), 0n)
  const slice = p.phase1Pool / BigInt(p.phase1Days)
  const E = W === 0n ? 0n : d.day >= p.phase1Days - 1 ? d.phase1Remaining : min(slice, d.phase1Remaining)
  const out = new Map<string, ReferenceReward>()
  for (const v of names) {
    const w = weight(v)
    if (w === 0n) continue
    const x = parts.get(v)!
    const mined = (E * w) / W
    const base = (mined * x.trust) / w
    const circle = (mined * x.withCircle) / w - base
    const referral = (mined * x.withReferral) / w - base - circle
    const fee = (d.feePool * w) / W
    const node = mined - base - circle - referral
    out.set(v, { score: score.get(v)!, base, circle, referral, node, fee, total: mined + fee })
  }
  return out
}
