// checkTxSet on sets from peers: only a set chaining to a header CID with an array of txs gets as
// far as decoding its transactions (regression: found by `npm run fuzz`, target tx-set).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOf } from '../codec/dag-cbor.ts'
import { applyLedger } from './apply.ts'
import { coreProtocol } from './operations/core.ts'
import { at, env, FAUCET, GENESIS_TIME, pay, RESERVE, signed, body } from './test/fixtures.ts'
import { nodeVerifier } from './test/node-ed25519.ts'
import { genesisState } from './genesis.ts'
import { checkTxSet, type TxSet } from './tx-set.ts'

const { state } = genesisState(env().config, coreProtocol)

test('a set whose prevHeader is not a CID, or whose txs are not an array, is malformed', async () => {
  const tx = await signed(FAUCET, body(FAUCET, 1n, [pay(RESERVE, 5n)]))
  const check = (set: unknown) => checkTxSet(set as TxSet, coreProtocol, nodeVerifier, 10)
  for (const prevHeader of [null, {}, 'bafy', new Uint8Array(36), { '/': state.headerCid.toString() }]) {
    const r = await check({ prevHeader, txs: [tx] })
    assert.deepEqual(
      r.ok ? 'accepted' : r.error,
      { code: 'bad_tx_set', reason: 'malformed' },
      String(prevHeader),
    )
  }
  for (const txs of [undefined, 'x', { length: 1, 0: tx }]) {
    const r = await check({ prevHeader: state.headerCid, txs, proof: [] })
    assert.deepEqual(r.ok ? 'accepted' : r.error, { code: 'bad_tx_set', reason: 'malformed' })
  }
})

test('a well-formed set is checked and applies (applyLedger compares prevHeader as a CID)', async () => {
  const tx = await signed(FAUCET, body(FAUCET, 1n, [pay(RESERVE, 5n)]))
  const r = await checkTxSet(
    { prevHeader: state.headerCid, txs: [tx], proof: [] },
    coreProtocol,
    nodeVerifier,
    10,
  )
  assert.ok(r.ok)
  const closed = applyLedger(state, r.value, at(GENESIS_TIME + 1000), env())
  assert.ok(closed.ok && closed.value.results[0]?.ok)
  const elsewhere = await checkTxSet(
    { prevHeader: cidOf(null), txs: [tx], proof: [] },
    coreProtocol,
    nodeVerifier,
    10,
  )
  assert.ok(elsewhere.ok, 'a set on another header is well-formed; applyLedger rejects it')
  const wrong = applyLedger(state, elsewhere.value, at(GENESIS_TIME + 1000), env())
  assert.deepEqual(wrong.ok ? 'applied' : wrong.error.code, 'bad_tx_set')
})

test('a set carrying more than 48 KiB of transactions is refused unread (it could not travel in one SCP message)', async () => {
  // stand-ins of 8,000 bytes: the size check comes before any decoding
  const big = (n: number) => Array.from({ length: n }, () => new Uint8Array(8000))
  const check = (txs: Uint8Array[]) =>
    checkTxSet({ prevHeader: state.headerCid, txs, proof: [] }, coreProtocol, nodeVerifier, 100)
  const seven = await check(big(7)) // 56,000 bytes > 49,152
  assert.deepEqual(seven.ok ? 'accepted' : seven.error, { code: 'bad_tx_set', reason: 'too_large' })
  const six = await check(big(6)) // 48,000 bytes: within, so the decoder runs (and refuses the zeros)
  assert.equal(six.ok ? 'accepted' : six.error.reason, 'bad_tx')
})
