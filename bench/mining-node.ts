// Benchmark: time to compute one day's distribution for 10^4, 10^5 and 10^6 accounts with 3-5
// circle edges each, in Node. Writes bench/results/mining-node.json.
// Run: npx node bench/mining-node.ts [sizes...]
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { computeDayDistribution } from '../shared/mining/distribution.ts'
import { defaultMiningParams } from '../shared/mining/params.ts'
import { syntheticDay } from '../shared/mining/synthetic-day.ts'
import { createRng } from '../shared/util/prng.ts'

const sizes = process.argv.slice(2).map(Number)
const runs: Record<string, unknown>[] = []
for (const accounts of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) {
  const inputs = syntheticDay(createRng(42), {
    accounts,
    checkInPpm: 800_000,
    invitePpm: 200_000,
    validators: 20,
    feePool: 123_456_789n,
    phase1Remaining: defaultMiningParams.phase1Pool,
  })
  const times: number[] = []
  let rewarded = 0
  let steps = 0
  for (let rep = 0; rep < (accounts >= 1_000_000 ? 2 : 3); rep++) {
    const t0 = performance.now()
    const d = computeDayDistribution(inputs, defaultMiningParams)
    times.push(performance.now() - t0)
    rewarded = d.rewards.length
    steps = d.steps
  }
  const edges = inputs.circles.reduce((n, c) => n + c.members.length, 0)
  const row = {
    accounts,
    edges,
    checkedIn: inputs.checkedIn.length,
    rewarded,
    walkSteps: steps,
    msMin: Math.round(Math.min(...times)),
    msAll: times.map(Math.round),
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  }
  console.log(JSON.stringify(row))
  runs.push(row)
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('./results/mining-node.json', import.meta.url),
  `${JSON.stringify({ bench: 'mining-node', node: process.version, cpus: cpus().length, loadAverage: loadavg(), runs }, null, 2)}\n`,
)
