// The acceptance suite every LedgerStore must pass, independent of the test runner: the caller
// passes `test` and `assert` (node:test in Node, a small collector in Chromium). It builds a short
// real chain (genesis, account creation, payments, module data written and deleted, close signers
// and a protocol upgrade) and checks reload, lookups, ordering, replay, and that a failing commit
// leaves nothing half-written.
import { addressOf } from '../crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../crypto/noble.ts'
import { createRng } from '../util/prng.ts'
import { toWattError } from '../util/errors.ts'
import { bytesEqual } from '../util/bytes.ts'
import { type Amount, watt } from './amount.ts'
import { applyLedger, type ClosedLedger } from './apply.ts'
import { makeGenesisConfig } from './config.ts'
import { GENESIS_TX_SET, genesisState } from './genesis.ts'
import { composeProtocol, defineModule } from './module.ts'
import { coreModule } from './operations/core.ts'
import { paramsSpec } from './params.ts'
import { getAccount } from './state.ts'
import { type ReplayLedger, replayLedgers } from './replay.ts'
import { type LedgerRecord, type LedgerStore, ledgerRecordOf, stateFromLoaded } from './store.ts'
import type { Upgrade } from './upgrade.ts'
import { encodeTx, signTx } from './tx.ts'
import { checkTxs, makeTxSet } from './tx-set.ts'

export interface AcceptanceHooks {
  test(name: string, fn: () => Promise<void>): void
  assert: {
    ok(value: unknown, message?: string): void
    equal(actual: unknown, expected: unknown, message?: string): void
    deepEqual(actual: unknown, expected: unknown, message?: string): void
  }
}

const keyOf = (label: number) => {
  const s = nobleSigner(createRng(0xacce + label).bytes(32))
  return { signer: s, address: addressOf(s.publicKey) }
}
const RESERVE = keyOf(0)
const FAUCET = keyOf(1)
const USERS = [keyOf(2), keyOf(3), keyOf(4)]
const T0 = 1_900_000_000_000

const config = makeGenesisConfig({
  networkId: 'watt-store-test',
  genesisTimeMs: T0,
  reserveAddress: RESERVE.address,
  validators: [RESERVE.address, FAUCET.address],
  faucet: { address: FAUCET.address, amount: watt(1000) },
})

// A module whose close step writes module data each ledger and deletes the previous ledger's.
const marker = defineModule({
  name: 'acceptance',
  params: paramsSpec<Record<never, never>>({}),
  operations: [],
  closeSteps: [
    {
      name: 'marker',
      run: (d, ctx) => {
        d.putData('acceptance', `seq-${ctx.seq}`, { seq: ctx.seq })
        d.putData('acceptance', `seq-${ctx.seq - 1}`, undefined)
        return undefined
      },
    },
  ],
  resultCodes: [],
  readers: {},
})
const protocol = composeProtocol([coreModule, marker], { maxProtocolVersion: 2 })
/** The agreed facts of ledgers 2, 3, 4: who signed the previous ledger, and an upgrade in 4. */
const SIGNERS = [[FAUCET.address], [], [RESERVE.address, FAUCET.address].sort()]
const UPGRADES: Upgrade[][] = [[], [], [{ type: 'protocolVersion', version: 2 }]]

const buildChain = async (): Promise<LedgerRecord[]> => {
  const g = genesisState(config, protocol)
  const records: LedgerRecord[] = [
    { header: g.state.header, txSet: GENESIS_TX_SET, results: [], changes: g.changes },
  ]
  let state = g.state
  let faucetSeq = 0n
  const rounds = [
    USERS.map((u) => ({
      from: FAUCET,
      op: { type: 'createAccount', dest: u.signer.publicKey, amount: watt(10) },
    })),
    [{ from: USERS[0]!, op: { type: 'payment', dest: USERS[1]!.signer.publicKey, amount: watt(3) } }],
    [{ from: FAUCET, op: { type: 'payment', dest: USERS[2]!.signer.publicKey, amount: watt(1) } }],
  ]
  const userSeq = new Map<string, bigint>()
  for (const [i, round] of rounds.entries()) {
    const txs = await Promise.all(
      round.map(({ from, op }) => {
        const seq = from === FAUCET ? ++faucetSeq : (userSeq.get(from.address) ?? 0n) + 1n
        if (from !== FAUCET) userSeq.set(from.address, seq)
        const body = {
          network: config.networkId,
          source: from.signer.publicKey,
          seq,
          fee: config.minFeePerOp,
          minTimeMs: 0,
          maxTimeMs: 0,
          memo: new Uint8Array(0),
          ops: [op],
        }
        return signTx(body, [from.signer]).then(encodeTx)
      }),
    )
    const checked = (await checkTxs(txs, protocol, nobleVerifier)).map((c) => {
      if (!c.ok) throw new Error(c.error.code)
      return c.value
    })
    const set = makeTxSet(state.headerCid, checked)
    const info = { closeTimeMs: T0 + (i + 1) * 5000, signers: SIGNERS[i]!, upgrades: UPGRADES[i]! }
    const r = applyLedger(state, set, info, { config, protocol })
    if (!r.ok) throw new Error(r.error.code)
    const l: ClosedLedger = r.value
    records.push(ledgerRecordOf(l, set))
    state = l.state
  }
  return records
}

export const ledgerStoreAcceptance = (
  name: string,
  makeStore: () => Promise<LedgerStore>,
  { test, assert }: AcceptanceHooks,
): void => {
  let chain: Promise<LedgerRecord[]> | undefined
  const records = () => {
    chain ??= buildChain()
    return chain
  }
  const filled = async (n: number) => {
    const store = await makeStore()
    for (const r of (await records()).slice(0, n)) await store.commit(r)
    return store
  }
  const rejectsWith = async (p: Promise<unknown>, code: string) => {
    try {
      await p
    } catch (e) {
      assert.equal(toWattError(e).code, code)
      return
    }
    assert.ok(false, `expected rejection ${code}`)
  }

  test(`${name}: an empty store has nothing`, async () => {
    const s = await makeStore()
    assert.equal(await s.loadLast(), undefined)
    assert.equal(await s.header(1), undefined)
    assert.deepEqual(await s.recentHeaders(5), [])
    await s.close()
  })

  test(`${name}: reload gives the last closed ledger and a state matching its root`, async () => {
    const recs = await records()
    const s = await filled(recs.length)
    const loaded = await s.loadLast()
    assert.ok(loaded)
    assert.equal(loaded!.header.seq, recs.length)
    const state = stateFromLoaded(loaded!)
    assert.ok(state.ok, 'state root matches')
    if (state.ok) {
      assert.equal(getAccount(state.value, USERS[1]!.address)?.balance, watt(13))
      assert.equal(
        loaded!.entries.filter((e) => e.key.startsWith('d/acceptance/')).length,
        1,
        'deleted entries are gone',
      )
    }
    await s.close()
  })

  test(`${name}: headers by seq, recent headers newest first, tx sets and results`, async () => {
    const recs = await records()
    const s = await filled(recs.length)
    for (const r of recs) assert.deepEqual((await s.header(r.header.seq))?.stateRoot, r.header.stateRoot)
    assert.deepEqual(
      (await s.recentHeaders(2)).map((h) => h.seq),
      [recs.length, recs.length - 1],
    )
    const l2 = await s.ledger(2)
    assert.equal(l2?.txSet.txs.length, 3)
    assert.deepEqual(
      l2?.results.map((r) => r.ok),
      [true, true, true],
    )
    await s.close()
  })

  test(`${name}: the stored history replays to the last closed ledger`, async () => {
    const recs = await records()
    const s = await filled(recs.length)
    const history: ReplayLedger[] = []
    for (let seq = 2; seq <= recs.length; seq++) {
      const l = await s.ledger(seq)
      assert.deepEqual(l?.signers, SIGNERS[seq - 2], 'close signers are kept')
      assert.deepEqual(l?.upgrades, UPGRADES[seq - 2], 'upgrades are kept')
      history.push({
        header: (await s.header(seq))!,
        txSet: l!.txSet,
        signers: l!.signers,
        upgrades: l!.upgrades,
      })
    }
    const env = { config, protocol }
    const hooks = { verifier: nobleVerifier }
    const r = await replayLedgers(genesisState(config, protocol).state, history, env, hooks)
    const last = (await s.loadLast())!.header
    assert.ok(r.ok && bytesEqual(r.value.header.stateRoot, last.stateRoot), 'replay reaches the stored root')
    assert.equal(last.protocolVersion, 2, 'the upgrade is in the last header')
    const tampered = history.map((h, i) =>
      i === 1 ? { ...h, header: { ...h.header, feePool: 0n as Amount } } : h,
    )
    const bad = await replayLedgers(genesisState(config, protocol).state, tampered, env, hooks)
    assert.deepEqual(bad.ok ? undefined : bad.error, { code: 'replay_mismatch', seq: 3, field: 'feePool' })
    await s.close()
  })

  test(`${name}: out-of-order commits are refused and change nothing`, async () => {
    const recs = await records()
    const s = await filled(2)
    await rejectsWith(s.commit(recs[3]!), 'out_of_order')
    await rejectsWith(s.commit(recs[1]!), 'out_of_order')
    assert.equal((await s.loadLast())?.header.seq, 2)
    assert.equal(await s.header(4), undefined)
    await s.commit(recs[2]!)
    assert.equal((await s.loadLast())?.header.seq, 3)
    await s.close()
  })

  test(`${name}: a commit that fails midway leaves nothing half-written`, async () => {
    const recs = await records()
    const s = await filled(2)
    const bad: LedgerRecord = {
      ...recs[2]!,
      changes: [...recs[2]!.changes, { key: 'zz/unencodable', value: { x: undefined } }],
    }
    let threw = false
    try {
      await s.commit(bad)
    } catch {
      threw = true
    }
    assert.ok(threw, 'an unencodable entry is refused')
    const loaded = await s.loadLast()
    assert.equal(loaded?.header.seq, 2)
    assert.ok(stateFromLoaded(loaded!).ok, 'state still matches ledger 2')
    assert.equal(await s.header(3), undefined)
    assert.equal(await s.ledger(3), undefined)
    await s.close()
  })
}
