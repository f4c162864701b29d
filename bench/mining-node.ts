// Benchmark: time to compute one day's distribution for 10^4, 10^5 and 10^6 accounts with 3-5
// circle edges each, in Node. Writes bench/results/mining-node.json.
// Run: npx node bench/mining-node.ts [sizes...]
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { timeMiningDay } from './browser/mining-day.ts'

const sizes = process.argv.slice(2).map(Number)
const runs: Record<string, unknown>[] = []
for (const accounts of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) {
  const row = {
    ...timeMiningDay(accounts, accounts >= 1_000_000 ? 2 : 3),
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
