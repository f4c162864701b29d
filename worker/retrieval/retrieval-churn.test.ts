// Retrieval under churn (issue 15, "Done means"): the scenario of retrieval-churn.ts (10 holders,
// 8 files of 3 copies each, holders leaving and rejoining while sampled fetches run, never all the
// holders of one file at once) with this run's seed. The rate is printed with the seed; the issue
// asks for at least 99%. bench/retrieval-browser.ts reports the same rate over several seeds.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runChurn } from './retrieval-churn.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`retrieval-churn seed=${seed} (replay with SEED=${seed})`)

const SAMPLES = Number(process.env['CHURN_SAMPLES'] ?? 120)

test(`under churn, at least 99% of ${SAMPLES} sampled retrievals succeed while a holder is online`, async () => {
  const r = await runChurn(seed, SAMPLES)
  const rate = r.ok / SAMPLES
  console.log(
    `retrieval-churn: ${r.ok}/${SAMPLES} succeeded (${(rate * 100).toFixed(1)}%), ${r.leaves} departures in ${r.ticks} ticks, seed=${seed}`,
  )
  assert.ok(r.leaves > SAMPLES / 4, 'the holders really churned')
  assert.ok(
    rate >= 0.99,
    `success rate ${rate} below 0.99 (failed samples ${r.failed.join(',')}; SEED=${seed})`,
  )
})
