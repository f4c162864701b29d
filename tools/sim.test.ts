import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { computeDayDistribution } from '../shared/mining/distribution.ts'
import { defaultMiningParams } from '../shared/mining/params.ts'
import { syntheticDay } from '../shared/mining/synthetic-day.ts'
import { makeDayExport } from '../shared/sim/day-export.ts'
import { createRng } from '../shared/util/prng.ts'
import { cidString } from '../shared/codec/dag-cbor.ts'
import { headerCid } from '../shared/ledger/header.ts'
import { VALIDATOR } from '../shared/ledger/test/fixtures.ts'
import { genesisToJson } from '../shared/node/genesis-document.ts'
import type { NodeId } from '../shared/scp/index.ts'
import { config, runChain } from '../shared/sim/test/recorded-chain.ts'
import { toHex } from '../shared/util/bytes.ts'
import { scenarioFromArgs } from './sim.ts'

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['tools/sim.ts', '--quiet', ...args], { encoding: 'utf8', timeout: 120_000 })

test('flags become scenario options', () => {
  const { options, search } = scenarioFromArgs([
    '--validators',
    '9',
    '--ledgers',
    '30',
    '--seed',
    '7',
    '--drop',
    '0.1',
    '--partition',
    '2',
    '--byzantine',
    '2',
    '--days',
    '2',
    '--day-length',
    '10',
    '--search',
    '5',
  ])
  assert.equal(options.validators, 9)
  assert.equal(options.faults.dropPpm, 100_000)
  assert.equal(options.faults.partitions, 2)
  assert.equal(options.byzantine, 2)
  assert.equal(options.ledgers, 21, 'two 10 s days at 1 s closes, plus the boundary ledger')
  assert.equal(search, 5)
  assert.throws(() => scenarioFromArgs(['--drop', '2']))
  assert.throws(() => scenarioFromArgs(['--topology', 'star']))
  assert.throws(() => scenarioFromArgs(['--genesis', 'g.json']), /goes with --replay/)
  assert.equal(scenarioFromArgs(['--replay', 'd.json', '--genesis', 'g.json']).genesis, 'g.json')
  assert.equal(scenarioFromArgs(['--signatures', 'ed25519']).options.signatures, 'ed25519')
  assert.equal(scenarioFromArgs([]).options.signatures, 'fast')
  assert.throws(() => scenarioFromArgs(['--signatures', 'rsa']), /fast or ed25519/)
})

test('a run ends with one JSON line', () => {
  const r = cli(['--validators', '4', '--ledgers', '4', '--seed', '3', '--drop', '0.05'])
  assert.equal(r.status, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.equal(lines.length, 1)
  const j = JSON.parse(lines[0]!)
  assert.deepEqual(Object.keys(j), [
    'seed',
    'validators',
    'ledgers',
    'forks',
    'meanCloseMs',
    'maxCloseMs',
    'messages',
    'wallMs',
    'ok',
  ])
  assert.equal(j.ok, true)
  assert.equal(j.ledgers, 4)
})

test('a violated invariant exits non-zero with the seed and the first violation', () => {
  const r = cli([
    '--validators',
    '4',
    '--ledgers',
    '6',
    '--seed',
    '1',
    '--partition',
    '1',
    '--fault-window',
    '8000',
    '--mutation',
    'quorum-threshold-minus-one',
    '--search',
    '30',
  ])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /FAILED seed \d+: (fork|ledger)/)
  assert.equal(JSON.parse(r.stdout.trim().split('\n')[0]!).ok, false)
})

test('a simulated day exported with --export replays in agreement', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'watt-sim-')), 'day.json')
  const r = cli([
    '--validators',
    '4',
    '--days',
    '1',
    '--day-length',
    '8',
    '--accounts',
    '10',
    '--tps',
    '2',
    '--export',
    file,
  ])
  assert.equal(r.status, 0, r.stderr)
  const out = JSON.parse(
    execFileSync(process.execPath, ['tools/sim.ts', '--replay', file], { encoding: 'utf8' }),
  )
  assert.equal(out.agree, true)
  assert.equal(out.day, 0)
})

test('--replay recomputes an exported day and reports agreement or the first difference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watt-sim-'))
  const inputs = syntheticDay(createRng(5), { accounts: 30, ledgersInDay: 2 })
  const distribution = computeDayDistribution(inputs, defaultMiningParams)
  const doc = makeDayExport({
    network: 'sim',
    params: defaultMiningParams,
    inputs,
    ledgers: [
      { seq: 1, headerCid: 'a', txs: [] },
      { seq: 2, headerCid: 'b', txs: [] },
    ],
    distribution,
    closingHeader: {
      seq: 3,
      cid: 'c',
      dayIndex: inputs.day + 1,
      closeTimeMs: 0,
      totalCoins: '0',
      feePool: '0',
    },
  })
  const good = join(dir, 'good.json')
  writeFileSync(good, JSON.stringify(doc))
  const out = JSON.parse(
    execFileSync(process.execPath, ['tools/sim.ts', '--replay', good], { encoding: 'utf8' }),
  )
  assert.equal(out.agree, true)
  const tampered = JSON.parse(JSON.stringify(doc))
  tampered.distribution.distributed = '1'
  const badFile = join(dir, 'bad.json')
  writeFileSync(badFile, JSON.stringify(tampered))
  const r = cli(['--replay', badFile])
  assert.equal(r.status, 1)
  assert.equal(JSON.parse(r.stdout).difference.path, '$.distribution.distributed')
})

test('--replay re-applies a later day of a node export, from the start state it carries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watt-sim-'))
  const chain = await runChain(2, 31)
  const doc = await chain.recorder.exportDay(2, chain.read)
  assert.ok(doc.ok)
  const file = join(dir, 'day-2.json')
  writeFileSync(file, JSON.stringify(doc.value))
  const closing = cidString(headerCid(chain.stored.get(31)!.header))
  const good = cli(['--replay', file])
  assert.equal(good.status, 0, good.stdout + good.stderr)
  assert.deepEqual(Object.keys(JSON.parse(good.stdout)), [
    'file',
    'agree',
    'day',
    'rewards',
    'distributed',
    'ledgers',
    'ok',
  ])
  assert.deepEqual(JSON.parse(good.stdout).ledgers, {
    agree: true,
    from: 20,
    ledgers: 11,
    finalHash: closing,
    stateRoot: toHex(chain.states.get(31)!.header.stateRoot),
  })
  // the network's genesis document given: it must be the export's config
  const quorumSet = { threshold: 1, validators: [VALIDATOR.address as string as NodeId], innerSets: [] }
  const genesisFile = join(dir, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesisToJson({ config, quorumSet })))
  assert.equal(cli(['--replay', file, '--genesis', genesisFile]).status, 0)
  const otherFile = join(dir, 'other.json')
  writeFileSync(
    otherFile,
    JSON.stringify(genesisToJson({ config: { ...config, minFeePerOp: 101n as never }, quorumSet })),
  )
  const other = cli(['--replay', file, '--genesis', otherFile])
  assert.equal(other.status, 1)
  assert.equal(JSON.parse(other.stdout).error.reason, 'genesis_mismatch')
  assert.equal(JSON.parse(other.stdout).error.difference.path, '$.genesis.minFeePerOp')
  // a tampered snapshot entry: the first difference, exit 1
  const tampered = structuredClone(doc.value) as unknown as {
    start: { entries: { key: string; value: string }[] }
  }
  const e = tampered.start.entries.find((x) => x.key.startsWith('a/'))!
  e.value = `${e.value.slice(0, -2)}${e.value.endsWith('00') ? '01' : '00'}`
  const badFile = join(dir, 'bad.json')
  writeFileSync(badFile, JSON.stringify(tampered))
  const bad = cli(['--replay', badFile])
  assert.equal(bad.status, 1)
  const out = JSON.parse(bad.stdout)
  assert.equal(out.ok, false)
  assert.equal(out.agree, true, 'the distribution alone still agrees')
  assert.deepEqual(out.ledgers.difference.path, '$.start.entries')
})
