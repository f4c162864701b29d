// Sybil resistance with the DEFAULT parameters (the trust floor on): a Sybil region of 1,000 or
// 4,000 accounts hangs off 4,000 honest accounts by k attack edges. Its share of the day must not
// grow as the region quadruples, the accounts paid the floor must be only those the attack edges
// and the trusted Sybils can vouch for, and the score mass must stay within what k edges leak.
// Seeds 1 and 2 (fixed, so the numbers can be reproduced); the full table with 16,000-account
// regions and seeds 1-4 is `npx node bench/mining-sybil.ts` (docs/mining.md).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultMiningParams } from './params.ts'
import { sybilRow } from './sybil-experiment.ts'

const seeds = [1, 2]
const row = (sybils: number, k: number) =>
  sybilRow({ honest: 4000, sybils, attackEdges: k, seeds }, defaultMiningParams)

test('with the default trust floor, the Sybil share does not grow with the region', () => {
  const table: string[] = ['k | region | share | score mass | trusted | paid the floor']
  for (const k of [1, 10, 100]) {
    const small = row(1000, k)
    const large = row(4000, k)
    for (const r of [small, large]) {
      table.push(
        `${k} | ${r.sybils} | ${r.sharePct.toFixed(2)}% | ${r.scoreMass.toFixed(1)} | ${r.trustedSybils} | ${r.vouchedSybils}`,
      )
      for (const [i, run] of r.runs.entries()) {
        const where = `seed ${seeds[i]}, k=${k}, region ${r.sybils}`
        // the floor reaches a Sybil only through an attack edge or a trusted Sybil's circle
        const canVouch = k + defaultMiningParams.circleMax * run.trustedSybils
        assert.ok(run.vouchedSybils <= canVouch, `${where}: ${run.vouchedSybils} paid the floor`)
        assert.ok(run.scoreMass <= 12 * k + 40, `${where}: score mass ${run.scoreMass}`)
      }
    }
    // at most what the attack edges buy, plus sampling noise of 0.05 percentage points
    assert.ok(
      large.sharePct <= 1.25 * small.sharePct + 0.05,
      `k=${k}: share grew ${small.sharePct}% -> ${large.sharePct}%`,
    )
  }
  console.log(table.join('\n'))
})
