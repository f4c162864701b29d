// The module kit's "done" test (issue 11): a toy module (shared/toy/module.ts: two operations, a
// close step, genesis parameters, result codes), added by composing [...NETWORK_MODULES, toy],
// runs in the ledger, in consensus nodes, in the simulator and in a day replay, unchanged.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { applyLedger, type CloseInfo, type ClosedLedger, type LedgerEnv } from '../ledger/apply.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import {
  at,
  body,
  FAUCET,
  GENESIS_TIME,
  genesis,
  keyOf,
  signed,
  testConfig,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { type CheckedTxSet, checkTxs, makeTxSet } from '../ledger/tx-set.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import type { NodeId } from '../scp/index.ts'
import { genesisFromJson, genesisToJson } from '../node/genesis-document.ts'
import { NETWORK_MODULES, networkEnv } from '../node/protocol.ts'
import { createTestNet } from '../node/test/net.ts'
import { replayExportedDay } from '../sim/day-ledgers.ts'
import { NodeDayRecorder, type StoredDayLedger } from '../sim/node-day-recorder.ts'
import { DEFAULT_SCENARIO, runScenario } from '../sim/scenario.ts'
import { toyModule } from './module.ts'

const MODULES = [...NETWORK_MODULES, toyModule]
const seed = Number(process.env.SEED ?? 3)
const note = (text: string) => ({ type: 'toyNote', text }) as Operation
const { readers } = toyModule

/** One ledger of one faucet tx per entry of `ops` (seq from `firstSeq`), closed with `facts`. */
const closeWith = async (
  state: LedgerState,
  env: LedgerEnv,
  ops: Operation[][],
  firstSeq: bigint,
  facts: CloseInfo,
): Promise<ClosedLedger & { set: CheckedTxSet }> => {
  const txs = await Promise.all(ops.map((o, i) => signed(FAUCET, body(FAUCET, firstSeq + BigInt(i), o))))
  const checked = await checkTxs(txs, env.protocol, nodeVerifier)
  const set = makeTxSet(
    state.headerCid,
    checked.map((c) => (c.ok ? c.value : assert.fail(c.error.code))),
  )
  const r = applyLedger(state, set, facts, env)
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
  return { ...r.value, set }
}

test('the toy module in the ledger: its genesis parameter, operation, result code, close step and totals', async () => {
  const config = testConfig({ params: { toy: { maxNote: 5 } } })
  const env = networkEnv(config, MODULES)
  const g = genesis(config, env.protocol)
  assert.equal(readers.params(g).maxNote, 5, 'the genesis parameter is in force from ledger 2')
  const l2 = await closeWith(g, env, [[note('hello')], [note('toolong')]], 1n, at(GENESIS_TIME + 1000))
  assert.deepEqual(
    l2.results.map((r) => [r.ok, r.code]),
    [
      [true, undefined],
      [false, 'note_too_long'],
    ],
  )
  assert.equal(readers.note(l2.state, FAUCET.address), 'hello')
  assert.deepEqual(l2.header.moduleTotals, { toy: { notes: 1n } }, 'the close step reported one note')

  // an upgrade of maxNote in ledger 3 applies after its close steps: ledger 3 still runs on 5
  const upgrade = { type: 'param', module: 'toy', name: 'maxNote', value: 10 } as const
  const l3 = await closeWith(
    l2.state,
    env,
    [[note('toolong')]],
    3n,
    at(GENESIS_TIME + 2000, { upgrades: [upgrade] }),
  )
  assert.equal(l3.results[0]?.code, 'note_too_long')
  assert.equal(readers.params(l3.state).maxNote, 10)
  const l4 = await closeWith(l3.state, env, [[note('toolong')]], 4n, at(GENESIS_TIME + 3000))
  assert.equal(l4.results[0]?.ok, true, 'the upgraded parameter is in force from ledger 4')
  assert.equal(readers.note(l4.state, FAUCET.address), 'toolong')
  assert.equal(readers.ledgers(l4.state), 3, 'the close step ran in every ledger')
  assert.deepEqual(l4.header.moduleTotals, { toy: { notes: 1n } })
})

test('the toy module in consensus nodes: a note submitted to one validator is in every ledger', async () => {
  const net = createTestNet(3, seed, { modules: MODULES, params: { toy: { maxNote: 8 } } })
  for (let i = 0; i < 3; i++) await net.makeNode(i).start()
  await net.run(2500)
  const faucet = keyOf(net.faucet)
  const tx = await signed(faucet, body(faucet, 1n, [note('in-node')], { network: 'test' }))
  const submitted = await net.nodes[1]!.submit(tx)
  assert.ok(submitted.ok, JSON.stringify(submitted))
  await net.run(4000)
  for (const n of net.nodes) {
    const s = n!.current()
    assert.equal(readers.note(s, faucet.address), 'in-node')
    assert.equal(readers.ledgers(s), s.header.seq - 1)
    assert.equal(readers.params(s).maxNote, 8)
  }
  assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
})

test('the toy module in the simulator: its close step runs on every simulated ledger', async () => {
  const r = await runScenario({
    ...DEFAULT_SCENARIO,
    seed,
    validators: 4,
    coreSize: 4,
    ledgers: 6,
    modules: MODULES,
  })
  assert.ok(r.ok, `seed ${seed}`)
  assert.equal(readers.ledgers(r.finalState), r.finalState.header.seq - 1)
  assert.deepEqual(paramsAt(r.finalState, toyModule), toyModule.params.defaults)
})

test('a day with toy operations replays from the genesis document with the same modules', async () => {
  const config = testConfig({ params: { toy: { maxNote: 12 } } })
  const env = networkEnv(config, MODULES)
  let state = genesis(config, env.protocol)
  const recorder = new NodeDayRecorder(env, state)
  const stored = new Map<number, StoredDayLedger>()
  // day 0 is ledgers 2..10 (10 s days, 1 s ledgers); ledger 11 closes it
  for (let seq = 2; seq <= 11; seq++) {
    const facts = at(GENESIS_TIME + (seq - 1) * 1000 + 1, { signers: [VALIDATOR.address] })
    const ops = seq % 3 === 0 ? [[note(`day note ${seq}`)]] : []
    const l = await closeWith(state, env, ops, BigInt(Math.floor(seq / 3)), facts)
    stored.set(seq, { header: l.header, txSet: l.set.set, signers: facts.signers, upgrades: [] })
    recorder.closed({ header: l.header, txSet: l.set, state: l.state, info: facts })
    state = l.state
  }
  const doc = await recorder.exportDay(0, async (seq) => stored.get(seq))
  assert.ok(doc.ok)
  const json = JSON.parse(
    JSON.stringify(
      genesisToJson({
        config,
        quorumSet: { threshold: 1, validators: [VALIDATOR.address as string as NodeId], innerSets: [] },
      }),
    ),
  )
  assert.equal(genesisFromJson(json).ok, false, 'the network list alone refuses the toy parameters')
  const served = genesisFromJson(json, MODULES)
  assert.ok(served.ok)
  const replay = await replayExportedDay(doc.value, served.value.config, MODULES)
  assert.ok(replay.agree, replay.agree ? '' : JSON.stringify(replay.difference))
  assert.equal(replay.finalHash, cidString(state.headerCid))
  assert.equal(readers.note(replay.state, FAUCET.address), 'day note 9')
  const withoutToy = await replayExportedDay(doc.value, { ...served.value.config, params: {} })
  assert.equal(withoutToy.agree, false, 'without the toy module the day does not replay')
})
