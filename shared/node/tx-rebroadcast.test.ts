import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CheckedTx } from '../ledger/index.ts'
import { createTxRebroadcast } from './tx-rebroadcast.ts'

const tx = (n: number) => ({ id: `tx${n}`, bytes: new Uint8Array([n]) }) as unknown as CheckedTx
const sentAt = (r: ReturnType<typeof createTxRebroadcast>, pending: CheckedTx[], slots: number[]) =>
  slots.filter((s) => r.due(s, pending).length > 0)

test('a pending tx is flooded again after 1, 2, 4 ... ledgers, up to the cap', () => {
  const r = createTxRebroadcast({ maxIntervalLedgers: 4, maxPerClose: 10 })
  r.flooded('tx1', 10)
  assert.deepEqual(
    sentAt(r, [tx(1)], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]),
    [11, 13, 17, 21],
  )
})

test('a tx that left the mempool is forgotten; one never flooded here goes at once', () => {
  const r = createTxRebroadcast({ maxIntervalLedgers: 4, maxPerClose: 10 })
  r.flooded('tx1', 1)
  assert.deepEqual(r.due(2, [tx(2)]), [new Uint8Array([2])])
  // tx1 was dropped from the mempool at slot 2: should it come back, it is new again
  assert.deepEqual(r.due(3, [tx(1)]), [new Uint8Array([1])])
})

test('at most maxPerClose txs a ledger, the rest on the next closes', () => {
  const r = createTxRebroadcast({ maxIntervalLedgers: 16, maxPerClose: 3 })
  const pending = [1, 2, 3, 4, 5].map(tx)
  assert.deepEqual(
    r.due(1, pending).map((b) => b[0]),
    [1, 2, 3],
  )
  assert.deepEqual(
    r.due(2, pending).map((b) => b[0]),
    [4, 5],
  )
  assert.deepEqual(
    r.due(3, pending).map((b) => b[0]),
    [1, 2, 3],
  )
})
