import assert from 'node:assert/strict'
import { test } from 'node:test'
import { computeDayDistribution } from '../mining/distribution.ts'
import { defaultMiningParams } from '../mining/params.ts'
import { syntheticDay } from '../mining/synthetic-day.ts'
import { createRng } from '../util/prng.ts'
import { makeDayExport, parseDayExport, replayDay } from './day-export.ts'

const SEED = Number(process.env.SEED ?? 11)

const exported = () => {
  const inputs = syntheticDay(createRng(SEED), {
    accounts: 60,
    validators: 4,
    ledgersInDay: 3,
    feePool: 12_345n,
  })
  const params = { ...defaultMiningParams, phase1Days: 10 }
  const distribution = computeDayDistribution(inputs, params)
  const doc = makeDayExport({
    network: 'sim',
    params,
    inputs,
    ledgers: [1, 2, 3].map((seq) => ({ seq, headerCid: `h${seq}`, txs: [] })),
    distribution,
    closingHeader: {
      seq: 4,
      cid: 'h4',
      dayIndex: inputs.day + 1,
      closeTimeMs: 0,
      totalCoins: '0',
      feePool: '0',
    },
  })
  return JSON.stringify(doc)
}

test(`an exported day replays with identical results (seed ${SEED})`, () => {
  const parsed = parseDayExport(exported())
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.code)
  const r = replayDay(parsed.value)
  assert.equal(r.agree, true, JSON.stringify(r))
})

test('a changed reward is reported at its path', () => {
  const doc = JSON.parse(exported())
  doc.distribution.rewards[2].total = String(BigInt(doc.distribution.rewards[2].total) + 1n)
  const parsed = parseDayExport(JSON.stringify(doc))
  assert.ok(parsed.ok)
  const r = replayDay(parsed.value)
  assert.equal(r.agree, false)
  assert.equal(!r.agree && r.difference.path, '$.distribution.rewards[2].total')
})

test('bad documents are typed errors', () => {
  const r = parseDayExport('{"format":"nope"}')
  assert.equal(!r.ok && r.error.code, 'sim/bad-day-export')
  assert.equal(!parseDayExport('{').ok, true)
  const doc = JSON.parse(exported())
  doc.inputs.checkedIn = 7
  const r2 = parseDayExport(JSON.stringify(doc))
  assert.equal(!r2.ok && r2.error.code, 'mining/bad-day-inputs')
})
