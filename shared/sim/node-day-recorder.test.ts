// A node's day export (what the browser node records) replays in agreement: the distribution
// recomputed from the captured inputs, and every ledger's header CID re-applied from genesis;
// a tampered ledger is named as the first difference; a day the node joined mid-way is absent.
import type { NodeId } from '../scp/index.ts'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { headerCid } from '../ledger/header.ts'
import { genesis } from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { genesisFromJson, genesisToJson } from '../node/genesis-document.ts'
import { parseDayExport, replayDay } from './day-export.ts'
import { replayDayLedgers, replayExportedDay } from './day-ledgers.ts'
import { config, env, runChain } from './test/recorded-chain.ts'

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
  const good = await replayExportedDay(r.value, served.value.config)
  assert.ok(good.agree)
  assert.equal(good.finalHash, r.value.closingHeader.cid)
  const bad = await replayExportedDay(r.value, {
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
