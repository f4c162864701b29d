// The Sybil table of docs/mining.md: 4,000 honest accounts (10 seeds), Sybil regions of 1,000,
// 4,000 and 16,000 accounts joined by k = 1, 10, 100 attack edges, default mining parameters
// (and, for comparison, the trust floor at 0). Means over seeds 1-4. Prints a Markdown table and
// writes bench/results/mining-sybil.json. The unit test (shared/mining/sybil.test.ts) covers the
// two smaller sizes with fewer seeds.
// Run: npx node bench/mining-sybil.ts [regionSizes...]
import { mkdirSync, writeFileSync } from 'node:fs'
import { defaultMiningParams } from '../shared/mining/params.ts'
import { sybilRow } from '../shared/mining/sybil-experiment.ts'

const sizes = process.argv.slice(2).map(Number)
const seeds = [1, 2, 3, 4]
const rows: Record<string, unknown>[] = []
console.log(
  '| k   | Sybil region | share | Sybil score mass (accounts) | trusted Sybils | Sybils paid the floor | share, trustFloor 0 |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const k of [1, 10, 100]) {
  for (const sybils of sizes.length > 0 ? sizes : [1000, 4000, 16_000]) {
    const o = { honest: 4000, sybils, attackEdges: k, seeds }
    const r = sybilRow(o, defaultMiningParams)
    const noFloor = sybilRow(o, { ...defaultMiningParams, trustFloorPpm: 0 })
    console.log(
      `| ${k} | ${sybils.toLocaleString('en')} | ${r.sharePct.toFixed(2)}% | ${r.scoreMass.toFixed(1)} | ${r.trustedSybils.toFixed(1)} | ${r.vouchedSybils.toFixed(1)} | ${noFloor.sharePct.toFixed(2)}% |`,
    )
    rows.push({ ...r, runs: undefined, sharePctNoFloor: noFloor.sharePct })
  }
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('./results/mining-sybil.json', import.meta.url),
  `${JSON.stringify({ bench: 'mining-sybil', honest: 4000, seeds, rows }, null, 2)}\n`,
)
