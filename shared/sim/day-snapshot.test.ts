// Day replay for any day (W24): a node's export of its third day (day 2, ledgers 21..30, closed
// by 31) carries the state it starts from (ledger 20) and re-applies to the same header CIDs as
// the independent chain in test/recorded-chain.ts; so does a day recorded by a node that joined
// mid-way. A tampered snapshot, a forged start or a tampered ledger is the first difference.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString, encode } from '../codec/dag-cbor.ts'
import { headerCid } from '../ledger/header.ts'
import { accountKey, getAccount, POOLS_KEY } from '../ledger/state.ts'
import { applyChanges } from '../ledger/apply.ts'
import { nodeHash } from '../ledger/trie.ts'
import { configFromJson } from '../node/config-json.ts'
import { toHex } from '../util/bytes.ts'
import type { DayExport } from './day-export.ts'
import { parseDayExport, replayDay } from './day-export.ts'
import { replayExportedDay } from './day-ledgers.ts'
import { A, B, config, runChain } from './test/recorded-chain.ts'

const chain = await runChain(2, 31)
const exported = async (day: number, c = chain): Promise<DayExport> => {
  const r = await c.recorder.exportDay(day, c.read)
  assert.ok(r.ok, r.ok ? '' : r.error.code)
  // through JSON, as `--replay FILE` reads it
  const parsed = parseDayExport(JSON.stringify(r.value))
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.code)
  return parsed.value.doc
}
const cidAt = (seq: number) => cidString(headerCid(chain.stored.get(seq)!.header))
const rootAt = (seq: number) => toHex(chain.states.get(seq)!.header.stateRoot)
const difference = async (doc: DayExport) => {
  const r = await replayExportedDay(doc, config)
  assert.equal(r.agree, false, 'a tampered export must not replay in agreement')
  return r.agree ? undefined : r.difference
}

test('the third day replays from its start snapshot with identical header CIDs', async () => {
  assert.deepEqual(chain.recorder.days(), [0, 1, 2])
  const doc = await exported(2)
  assert.equal(doc.start?.seq, 20)
  assert.equal(doc.start?.cid, cidAt(20))
  assert.deepEqual(
    doc.ledgers.map((l) => [l.seq, l.headerCid]),
    Array.from({ length: 10 }, (_, i) => [21 + i, cidAt(21 + i)]),
  )
  assert.equal(
    doc.ledgers.reduce((n, l) => n + l.txs.length, 0),
    3,
    "day 2's three payments",
  )
  const r = await replayExportedDay(doc, config)
  assert.ok(r.agree, r.agree ? '' : JSON.stringify(r.difference))
  assert.equal(r.ledgers, 11)
  assert.equal(r.finalHash, cidAt(31))
  assert.equal(r.stateRoot, rootAt(31))
  // the balances the independent chain reached, in the replayed state
  for (const k of [A, B])
    assert.deepEqual(getAccount(r.state, k.address), getAccount(chain.states.get(31)!, k.address))
  const parsed = parseDayExport(JSON.stringify(doc))
  assert.ok(parsed.ok)
  const day = replayDay(parsed.value)
  assert.equal(day.agree, true, JSON.stringify(day))
})

test("the export's own genesis config is the network's", async () => {
  const doc = await exported(1)
  const c = configFromJson(doc.genesis)
  assert.ok(c.ok)
  assert.deepEqual(c.value, { ...config, params: c.value.params })
  const r = await replayExportedDay(doc, c.value)
  assert.ok(r.agree)
  assert.equal(r.finalHash, cidAt(21))
})

test('a node that joined mid-way replays the days it saw whole', async () => {
  const late = await runChain(5, 31)
  assert.deepEqual(late.recorder.days(), [1, 2])
  const doc = await exported(1, late)
  assert.equal(doc.start?.seq, 10)
  const r = await replayExportedDay(doc, config)
  assert.ok(r.agree, r.agree ? '' : JSON.stringify(r.difference))
  assert.equal(r.finalHash, cidAt(21))
})

test('a changed or missing snapshot entry is named: the root is not the start header state root', async () => {
  const doc = await exported(2)
  const key = accountKey(B.address)
  const entries = doc.start!.entries!
  const i = entries.findIndex((e) => e.key === key)
  assert.ok(i >= 0)
  const richer = { ...getAccount(chain.states.get(20)!, B.address)! }
  richer.balance = (richer.balance + 1n) as never
  const changed = entries.map((e, j) => (j === i ? { key, value: toHex(encode(richer)) } : e))
  const d1 = await difference({ ...doc, start: { ...doc.start!, entries: changed } })
  assert.equal(d1?.path, '$.start.entries')
  assert.equal(d1?.expected, rootAt(20))
  const d2 = await difference({
    ...doc,
    start: { ...doc.start!, entries: entries.filter((_, j) => j !== i) },
  })
  assert.deepEqual([d2?.path, d2?.expected], ['$.start.entries', rootAt(20)])
})

test('a forged start consistent with its own header is caught at the first ledger', async () => {
  const doc = await exported(2)
  // a start state where B is richer, with a header committing to it and that header's CID
  const real = chain.states.get(20)!
  const b = getAccount(real, B.address)!
  const tree = applyChanges(real.tree, [
    { key: accountKey(B.address), value: { ...b, balance: b.balance + 1n } },
  ])
  const header = { ...real.header, stateRoot: nodeHash(tree) }
  const forgedCid = cidString(headerCid(header))
  const entries = [...doc.start!.entries!]
  entries[entries.findIndex((e) => e.key === accountKey(B.address))] = {
    key: accountKey(B.address),
    value: toHex(encode({ ...b, balance: b.balance + 1n })),
  }
  const start = { seq: 20, cid: forgedCid, header: toHex(encode(header)), entries }
  const d = await difference({ ...doc, start })
  assert.deepEqual(d, { path: '$.ledgers[0]', expected: cidAt(21), actual: 'bad_tx_set' })
  // also rewriting the first ledger's prevHeader to the forged start: its header CID differs
  const ledgers = doc.ledgers.map((l, i) => (i === 0 ? { ...l, prevHeader: forgedCid } : l))
  const d2 = await difference({ ...doc, start, ledgers })
  assert.equal(d2?.path, '$.ledgers[0].headerCid')
  assert.equal(d2?.expected, cidAt(21))
  // the header of another ledger under the real entries
  const other = { ...doc.start!, header: toHex(encode(chain.stored.get(19)!.header)) }
  assert.equal((await difference({ ...doc, start: other }))?.path, '$.start.entries')
})

test('a forged start the ledger code cannot read is a difference, not a crash', async () => {
  const doc = await exported(2)
  // the pools entry replaced by garbage, under a header committing to it, chained to by ledger 21
  const real = chain.states.get(20)!
  const tree = applyChanges(real.tree, [{ key: POOLS_KEY, value: { garbage: 1 } }])
  const header = { ...real.header, stateRoot: nodeHash(tree) }
  const forgedCid = cidString(headerCid(header))
  const entries = doc.start!.entries!.map((e) =>
    e.key === POOLS_KEY ? { key: POOLS_KEY, value: toHex(encode({ garbage: 1 })) } : e,
  )
  const start = { seq: 20, cid: forgedCid, header: toHex(encode(header)), entries }
  const ledgers = doc.ledgers.map((l, i) => (i === 0 ? { ...l, prevHeader: forgedCid } : l))
  const d = await difference({ ...doc, start, ledgers })
  assert.deepEqual(d, { path: '$.ledgers[0]', expected: cidAt(21), actual: 'internal' })
})

test('a tampered ledger of a later day is the first difference', async () => {
  const doc = await exported(2)
  const withTx = doc.ledgers.findIndex((l) => l.seq === 27)
  // a transaction dropped from ledger 27's set (its header names the set with both)
  const dropped = doc.ledgers.map((l, i) => (i === withTx ? { ...l, txs: l.txs.slice(1) } : l))
  const d = await difference({ ...doc, ledgers: dropped })
  assert.deepEqual([d?.path, d?.expected], [`$.ledgers[${withTx}].headerCid`, cidAt(27)])
  // another close time on ledger 24
  const moved = doc.ledgers.map((l, i) => (i === 3 ? { ...l, closeTimeMs: l.closeTimeMs! + 1 } : l))
  assert.deepEqual((await difference({ ...doc, ledgers: moved }))?.path, '$.ledgers[3].headerCid')
  // a closing ledger that is not the closing header
  const closing = { ...doc.closingHeader, cid: cidAt(30) }
  assert.equal((await difference({ ...doc, closingHeader: closing }))?.path, '$.closingLedger.headerCid')
})

test('a later day under another network config differs at its first ledger', async () => {
  const doc = await exported(2)
  const r = await replayExportedDay(doc, { ...config, networkId: 'watt-other' })
  assert.equal(!r.agree && r.difference.path, '$.ledgers[0].headerCid')
})
