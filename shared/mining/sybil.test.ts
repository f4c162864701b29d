// Sybil resistance: a Sybil region of 1,000 or 4,000 accounts hangs off 4,000 honest accounts
// by k attack edges. With the trust floor off (the floor is what W25 verification removes),
// the region's share and score mass must stay bounded as it quadruples. Fixed seeds, so the
// printed table in docs/mining.md is reproducible.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultMiningParams } from './params.ts'
import { runSybilExperiment } from './sybil-experiment.ts'

const seeds = [1, 2, 3, 4]
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

const measure = (sybils: number, k: number, trustFloorPpm: number) => {
  const runs = seeds.map((seed) =>
    runSybilExperiment(
      { seed, honest: 4000, sybils, attackEdges: k, seeds: 10 },
      { ...defaultMiningParams, trustFloorPpm },
    ),
  )
  return {
    sharePct: mean(runs.map((r) => r.sharePpm)) / 10_000,
    scoreMass: mean(runs.map((r) => r.scoreMass)),
    maxScoreMass: Math.max(...runs.map((r) => r.scoreMass)),
  }
}

test('the Sybil region share stays bounded as the region grows', () => {
  const table: string[] = ['k | region | share (no floor) | score mass | share (floor 0.25)']
  for (const k of [1, 10, 100]) {
    const small = measure(1000, k, 0)
    const large = measure(4000, k, 0)
    for (const [size, m] of [
      [1000, small],
      [4000, large],
    ] as const) {
      const withFloor = measure(size, k, defaultMiningParams.trustFloorPpm)
      table.push(
        `${k} | ${size} | ${m.sharePct.toFixed(2)}% | ${m.scoreMass.toFixed(1)} | ${withFloor.sharePct.toFixed(2)}%`,
      )
      assert.ok(m.maxScoreMass <= 12 * k + 40, `score mass ${m.maxScoreMass} for k=${k}, region ${size}`)
    }
    assert.ok(
      large.sharePct <= 1.6 * small.sharePct,
      `k=${k}: share grew ${small.sharePct} -> ${large.sharePct}`,
    )
  }
  console.log(table.join('\n'))
})
