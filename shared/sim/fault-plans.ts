// The seeded fault plans that the searches run: the unit tests sample a few hundred seeds of
// them, `npm run soak` runs ten thousand. One seed names one plan, so a failing seed printed by
// either reproduces in the other (SEED=<n> in shared/sim/scenario.test.ts, `--seed` in soak).
// The market plans put providers that crash, go silent and lie on the ledger as well.
import { MIXED_MARKET } from './market-plan.ts'
import { DEFAULT_SCENARIO, type ScenarioOptions } from './scenario.ts'

/** Loss, duplication, delay, one or two partitions and up to two crashes, 4-7 validators. */
export const faultyPlan = (seed: number): ScenarioOptions => ({
  ...DEFAULT_SCENARIO,
  seed,
  validators: 4 + (seed % 4),
  ledgers: 6,
  faults: {
    dropPpm: 50_000 + (seed % 5) * 20_000,
    dupPpm: 50_000,
    delayMs: 1500,
    partitions: 1 + (seed % 2),
    crashes: seed % 3,
    windowMs: 6000,
  },
})

/** The faulty plan with f = floor((n-1)/3) Byzantine validators: equivocators or garbage senders. */
export const byzantinePlan = (seed: number): ScenarioOptions => {
  const o = faultyPlan(seed)
  const f = Math.floor((o.validators - 1) / 3)
  return { ...o, byzantine: f, byzantineKind: seed % 3 === 0 ? 'garbage' : 'equivocate' }
}

const TOPOLOGIES = ['tiers', 'circles', 'cycle'] as const

/** Twelve validators in a non-flat topology (a 4-node core), faults without crashes. */
export const topologyPlan = (seed: number): ScenarioOptions => {
  const o = faultyPlan(seed)
  return {
    ...o,
    validators: 12,
    coreSize: 4,
    topology: TOPOLOGIES[seed % 3]!,
    faults: { ...o.faults, crashes: 0 },
  }
}

/** A storage market (market-plan.ts's mixed providers) on 4-5 validators over healthy links. */
export const marketPlan = (seed: number): ScenarioOptions => ({
  ...DEFAULT_SCENARIO,
  seed,
  validators: 4 + (seed % 2),
  ledgers: 44,
  mining: false,
  market: MIXED_MARKET,
})

/** The market plan under the faulty plan's loss, delay, partitions and validator crashes. */
export const faultyMarketPlan = (seed: number): ScenarioOptions => ({
  ...marketPlan(seed),
  faults: { ...faultyPlan(seed).faults, windowMs: 20_000 },
})
