// Test fixture: an independent chain for the day-export tests. Ledgers 2..`last` are closed with
// applyLedger directly (10 s days, 1 s ledgers: day 0 is ledgers 2..10, day d is 10d+1..10d+10)
// with a few payments and fees on days 0 and 2; every header and state is kept, so the tests'
// expected values come from this run, not from the replay under test. A NodeDayRecorder
// watches from ledger `from` (2: the node started at genesis; later: it joined mid-way).
import assert from 'node:assert/strict'
import { applyLedger } from '../../ledger/apply.ts'
import type { LedgerState } from '../../ledger/state.ts'
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
} from '../../ledger/test/fixtures.ts'
import { nodeVerifier } from '../../ledger/test/node-ed25519.ts'
import { checkTxs, makeTxSet } from '../../ledger/tx-set.ts'
import { networkEnv } from '../../node/protocol.ts'
import { NodeDayRecorder, type StoredDayLedger } from '../node-day-recorder.ts'

export const config = testConfig({ dayLengthMs: 10_000 })
export const env = networkEnv(config)
export const A = testKey(10)
export const B = testKey(11)

const transactions = async (): Promise<Record<number, Uint8Array[]>> => ({
  3: [await signed(FAUCET, body(FAUCET, 1n, [create(A, 5_000_000n), create(B, 5_000_000n)]))],
  5: [await signed(A, body(A, 1n, [pay(B, 1_000n)]))],
  11: [await signed(B, body(B, 1n, [pay(A, 7n)], { fee: 150n as never }))],
  23: [await signed(A, body(A, 2n, [pay(B, 40_000n)], { fee: 300n as never }))],
  27: [
    await signed(B, body(B, 2n, [pay(A, 9n)])),
    await signed(FAUCET, body(FAUCET, 2n, [pay(B, 123n)], { fee: 500n as never })),
  ],
})

export interface RecordedChain {
  readonly recorder: NodeDayRecorder
  readonly read: (seq: number) => Promise<StoredDayLedger | undefined>
  readonly stored: ReadonlyMap<number, StoredDayLedger>
  /** The state after each ledger, genesis (1) included. */
  readonly states: ReadonlyMap<number, LedgerState>
}

export const runChain = async (from: number, last = 15): Promise<RecordedChain> => {
  const stored = new Map<number, StoredDayLedger>()
  let state: LedgerState = genesis(config, env.protocol)
  const states = new Map<number, LedgerState>([[1, state]])
  let recorder: NodeDayRecorder | undefined
  const txsAt = await transactions()
  for (let seq = 2; seq <= last; seq++) {
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
    states.set(seq, state)
    stored.set(seq, { header: r.value.header, txSet: set.set, signers: [VALIDATOR.address], upgrades: [] })
    recorder?.closed({ header: r.value.header, txSet: set, state, info })
  }
  return { recorder: recorder!, read: async (seq: number) => stored.get(seq), stored, states }
}
