// A node's day export (what the browser node records) replays in agreement: the distribution
// recomputed from the captured inputs, and every ledger's header CID re-applied from genesis;
// a tampered ledger is named as the first difference; a day the node joined mid-way is absent.
import type { NodeId } from '../scp/index.ts'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { applyLedger } from '../ledger/apply.ts'
import { headerCid } from '../ledger/header.ts'
import type { LedgerState } from '../ledger/state.ts'
import {
  body,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  pay,
  signed,
  testConfig,
  testKey,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { checkTxs, makeTxSet } from '../ledger/tx-set.ts'
import { genesisFromJson, genesisToJson } from '../node/genesis-document.ts'
import { networkEnv } from '../node/protocol.ts'
import { parseDayExport, replayDay } from './day-export.ts'
import { replayDayLedgers, replayFirstDay } from './day-ledgers.ts'
import { NodeDayRecorder, type StoredDayLedger } from './node-day-recorder.ts'

const config = testConfig({ dayLengthMs: 10_000 })
const env = networkEnv(config)
const A = testKey(10)
const B = testKey(11)

/** Closes ledgers 2..15 (day 0 is 2..10, ledger 11 closes it) with a few payments. */
const runChain = async (from: number) => {
  const stored = new Map<number, StoredDayLedger>()
  let state: LedgerState = genesis(config, env.protocol)
  let recorder: NodeDayRecorder | undefined
  const txsAt: Record<number, Uint8Array[]> = {
    3: [await signed(FAUCET, body(FAUCET, 1n, [create(A, 5_000_000n), create(B, 5_000_000n)]))],
    5: [await signed(A, body(A, 1n, [pay(B, 1_000n)]))],
    11: [await signed(B, body(B, 1n, [pay(A, 7n)], { fee: 150n as never }))],
  }
  for (let seq = 2; seq <= 15; seq++) {
    if (seq === from) recorder = new NodeDayRecorder(env, state)
    const checked = await checkTxs(txsAt[seq] ?? [], env.protocol, nodeVerifier)
    const set = makeTxSet(
      state.headerCid,
      checked.map((c) => (c.ok ? c.value : assert.fail(c.error.code))),
    )
    const info = {
      closeTimeMs: GENESIS_TIME + (seq - 1) * 1000 + 1,
      signers: [VALIDATOR.address],
      upgrades: [],
    }
    const r = applyLedger(state, set, info, env)
    assert.ok(r.ok)
    for (const res of r.value.results) assert.ok(res.ok, `seq ${seq}: ${res.code}`)
    state = r.value.state
    stored.set(seq, { header: r.value.header, txSet: set.set, signers: [VALIDATOR.address], upgrades: [] })
    recorder?.closed({ header: r.value.header, txSet: set, state, info })
  }
  return { recorder: recorder!, read: async (seq: number) => stored.get(seq), stored }
}

const replayEnv = { env, verifier: nodeVerifier }

test('a node-recorded day replays: distribution and every header from genesis', async () => {
  const { recorder, read, stored } = await runChain(2)
  assert.deepEqual(recorder.days(), [0])
  const r = await recorder.exportDay(0, read)
  assert.ok(r.ok)
  const doc = r.value
  assert.deepEqual(
    doc.ledgers.map((l) => l.seq),
    [2, 3, 4, 5, 6, 7, 8, 9, 10],
  )
  assert.equal(doc.closingLedger?.seq, 11)
  const parsed = parseDayExport(JSON.stringify(doc))
  assert.ok(parsed.ok)
  const day = replayDay(parsed.value)
  assert.equal(day.agree, true, JSON.stringify(day))
  assert.ok(day.agree && BigInt(day.distributed) > 0n)
  const ledgers = await replayDayLedgers(parsed.value.doc, genesis(config, env.protocol), replayEnv)
  assert.ok(ledgers.agree, ledgers.agree ? '' : JSON.stringify(ledgers.difference))
  assert.equal(ledgers.finalHash, doc.closingHeader.cid)
  assert.equal(ledgers.finalHash, cidString(headerCid(stored.get(11)!.header)))

  // A ledger whose close signers were altered re-applies to another header: named first.
  const tampered = structuredClone(doc) as typeof doc & { ledgers: { signers: string[] }[] }
  tampered.ledgers[4]!.signers = []
  const bad = await replayDayLedgers(tampered, genesis(config, env.protocol), replayEnv)
  assert.equal(bad.agree, false)
  assert.equal(!bad.agree && bad.difference.path, '$.ledgers[4].headerCid')
})

test('a first day replays from the genesis document (what `--replay FILE --genesis G` runs)', async () => {
  const { recorder, read } = await runChain(2)
  const r = await recorder.exportDay(0, read)
  assert.ok(r.ok)
  // the config as a node gets it: through the /genesis document's JSON
  const json = JSON.parse(
    JSON.stringify(
      genesisToJson({
        config,
        quorumSet: { threshold: 1, validators: [config.validators[0] as string as NodeId], innerSets: [] },
      }),
    ),
  )
  const served = genesisFromJson(json)
  assert.ok(served.ok)
  const good = await replayFirstDay(r.value, served.value.config)
  assert.ok(good.agree)
  assert.equal(good.finalHash, r.value.closingHeader.cid)
  const bad = await replayFirstDay(r.value, {
    ...served.value.config,
    networkId: 'watt-other',
  })
  assert.equal(!bad.agree && bad.difference.path, '$.start.cid')
})

test('a day the node joined mid-way is not recorded', async () => {
  const { recorder, read } = await runChain(5)
  assert.deepEqual(recorder.days(), [])
  const r = await recorder.exportDay(0, read)
  assert.equal(!r.ok && r.error.code, 'sim/day-not-recorded')
})
