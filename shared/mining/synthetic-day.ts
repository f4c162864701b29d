// Synthetic days for property tests, the Sybil experiment, the benchmark and the simulator:
// n accounts named `${prefix}${i}`, each with a circle of 3-5 others drawn from a seeded Rng.
import type { Rng } from '../util/prng.ts'
import type { CircleInput, DayInputs, InviteInput, ValidatorInput } from './day-inputs.ts'

export interface SyntheticDayOptions {
  readonly accounts: number
  readonly day?: number
  /** Chance that an account checked in, ppm. */
  readonly checkInPpm?: number
  /** Chance that an account was invited by another, ppm. */
  readonly invitePpm?: number
  /** The first `validators` accounts are validators and seeds. */
  readonly validators?: number
  readonly ledgersInDay?: number
  readonly feePool?: bigint
  readonly phase1Remaining?: bigint
  readonly prefix?: string
}

/** 3 to 5 distinct members of [lo, lo + size), never `self`; size must be at least 6. */
export const pickCircle = (rng: Rng, self: number, lo: number, size: number): number[] => {
  const k = 3 + rng.int(3)
  const out: number[] = []
  while (out.length < k) {
    const v = lo + rng.int(size)
    if (v !== self && !out.includes(v)) out.push(v)
  }
  return out
}

export const syntheticDay = (rng: Rng, o: SyntheticDayOptions): DayInputs => {
  const n = o.accounts
  const prefix = o.prefix ?? 'a'
  const name = (i: number) => `${prefix}${i}`
  const checkIn = o.checkInPpm ?? 800_000
  const invite = o.invitePpm ?? 200_000
  const nValidators = Math.min(n, o.validators ?? 4)
  const ledgersInDay = o.ledgersInDay ?? 100
  const checkedIn: string[] = []
  const circles: CircleInput[] = []
  const invites: InviteInput[] = []
  const validators: ValidatorInput[] = []
  const seeds: string[] = []
  for (let i = 0; i < n; i++) {
    if (rng.int(1_000_000) < checkIn) checkedIn.push(name(i))
    if (n >= 6) circles.push({ account: name(i), members: pickCircle(rng, i, 0, n).map(name) })
    if (i > 0 && rng.int(1_000_000) < invite) invites.push({ account: name(i), ambassador: name(rng.int(i)) })
  }
  for (let i = 0; i < nValidators; i++) {
    validators.push({ account: name(i), signed: rng.int(ledgersInDay + 1) })
    seeds.push(name(i))
  }
  return {
    day: o.day ?? 0,
    checkedIn,
    circles,
    invites,
    validators,
    ledgersInDay,
    seeds,
    feePool: o.feePool ?? 0n,
    phase1Remaining: o.phase1Remaining ?? 0n,
  }
}
