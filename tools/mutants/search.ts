// One mutant's fault search (run under hooks.ts): a plan of shared/sim/fault-plans.ts (--plan:
// `partition`, the faulty plan on 4 validators with one partition and nothing else; `byzantine`;
// `topology`), seeds from --seed on, until a checker catches the mutant or --runs seeds pass.
// Prints one JSON line {mutant, plan, caught, seed, violation, runs}.
import { parseArgs } from 'node:util'
import { describeViolation } from '../../shared/sim/checkers.ts'
import { byzantinePlan, faultyPlan, topologyPlan } from '../../shared/sim/fault-plans.ts'
import { runScenario, type ScenarioOptions } from '../../shared/sim/scenario.ts'

const PLANS: Record<string, (seed: number) => ScenarioOptions> = {
  partition: (seed) => ({
    ...faultyPlan(seed),
    validators: 4,
    faults: { dropPpm: 0, dupPpm: 0, delayMs: 0, partitions: 1, crashes: 0, windowMs: 8000 },
  }),
  byzantine: byzantinePlan,
  topology: topologyPlan,
}

const { values: v } = parseArgs({
  options: { seed: { type: 'string' }, runs: { type: 'string' }, plan: { type: 'string' } },
})
const plan = PLANS[v.plan ?? 'partition']
if (plan === undefined) throw new Error(`--plan must be one of ${Object.keys(PLANS).join(', ')}`)
const first = Number(v.seed ?? 1)
const runs = Number(v.runs ?? 20)
let found: { seed: number; violation: string } | undefined
let tried = 0
for (let seed = first; seed < first + runs && found === undefined; seed++) {
  tried++
  const r = await runScenario(plan(seed))
  if (!r.ok || r.forks > 0)
    found = { seed, violation: r.violation ? describeViolation(r.violation) : `reached ${r.ledgers} ledgers` }
}
console.log(
  JSON.stringify({
    mutant: process.env.MUTANT,
    plan: v.plan ?? 'partition',
    caught: found !== undefined,
    ...found,
    runs: tried,
  }),
)
