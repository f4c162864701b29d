// linkNode and the trust seeds: a node key and an operator account are linked only when both
// sign; the seeds of a day are the genesis seed accounts, then the operators of the validators in
// force (never node keys, never the operator of a node outside the set).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { composeProtocol } from '../ledger/module.ts'
import { coreModule } from '../ledger/operations/core.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { addressListParam } from '../ledger/params.ts'
import { getAccount, getData, type LedgerState } from '../ledger/state.ts'
import {
  body,
  close,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  type TestKey,
  testConfig,
  testKey,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { encodeTx, signTx } from '../ledger/tx.ts'
import { miningModule } from './module.ts'
import { linkNode, operatorOf, trustSeeds } from './node-link.ts'

const [A, B, E, N] = [30, 31, 32, 33].map(testKey) as [TestKey, TestKey, TestKey, TestKey]
const config = testConfig({ params: { mining: { seedAccounts: E.address } } })
const env = { config, protocol: composeProtocol([coreModule, miningModule]) }
const link = (node: TestKey) => ({ type: 'linkNode', node: node.pk }) as Operation
const checkIn = { type: 'checkIn', presence: { kind: 'hold' } } as Operation

const seqs = new Map<string, bigint>()
const tx = async (from: TestKey, ops: Operation[], signers: TestKey[]) => {
  const seq = (seqs.get(from.address) ?? 0n) + 1n
  seqs.set(from.address, seq)
  return encodeTx(
    await signTx(
      body(from, seq, ops),
      signers.map((k) => k.signer),
    ),
  )
}
const reader = (s: LedgerState) => ({ getData: (m: string, k: string) => getData(s, m, k) })
const seedsOf = (s: LedgerState) => trustSeeds(reader(s), miningModule.readers.params(s), [VALIDATOR.address])

test('linkNode parses a 32-byte node key and nothing else', () => {
  assert.equal(linkNode.parse({ type: 'linkNode', node: A.pk }).ok, true)
  assert.equal(linkNode.parse({ type: 'linkNode', node: A.pk.subarray(1) }).ok, false)
  assert.equal(linkNode.parse({ type: 'linkNode', node: A.pk, account: B.pk }).ok, false)
})

test('a link needs both signatures; a relink by the node moves it; seeds follow the validators', async () => {
  seqs.clear()
  let s = genesis(config, env.protocol)
  assert.deepEqual(seedsOf(s), [E.address], 'genesis names E; nobody operates VALIDATOR yet')
  s = (
    await close(
      s,
      [
        await tx(
          FAUCET,
          [A, B, E].map((k) => create(k, watt(10))),
          [FAUCET],
        ),
      ],
      GENESIS_TIME + 1000,
      env,
    )
  ).state
  const l2 = await close(
    s,
    [
      await tx(A, [link(VALIDATOR)], [A]), // A claims the validator without its signature
      await tx(B, [link(N)], [B, N]), // B operates N, which is not a validator
    ],
    GENESIS_TIME + 2000,
    env,
  )
  assert.deepEqual(l2.results.map((r) => r.code ?? 'ok').sort(), ['bad_link', 'ok'])
  s = l2.state
  assert.equal(operatorOf(reader(s), VALIDATOR.address), undefined)
  assert.equal(operatorOf(reader(s), N.address), B.address)
  assert.deepEqual(seedsOf(s), [E.address], "N's operator is no seed: N is not in the validator set")

  const l3 = await close(s, [await tx(A, [link(VALIDATOR)], [A, VALIDATOR])], GENESIS_TIME + 3000, env)
  assert.equal(l3.results[0]!.ok, true)
  s = l3.state
  assert.deepEqual(seedsOf(s), [E.address, A.address])
  const again = await close(s, [await tx(A, [link(VALIDATOR)], [A, VALIDATOR])], GENESIS_TIME + 4000, env)
  assert.equal(again.results[0]!.code, 'bad_link')
  s = again.state

  // the node moves to B's wallet: the node and B sign; A's link is gone
  const l5 = await close(s, [await tx(B, [link(VALIDATOR)], [B, VALIDATOR])], GENESIS_TIME + 5000, env)
  assert.equal(l5.results[0]!.ok, true)
  assert.deepEqual(seedsOf(l5.state), [E.address, B.address])

  // across the day boundary: E, a genesis seed, checked in and is paid; A, unlinked now, is not
  s = (
    await close(
      l5.state,
      [await tx(E, [checkIn], [E]), await tx(A, [checkIn], [A])],
      GENESIS_TIME + 6000,
      env,
    )
  ).state
  const boundary = await close(s, [], GENESIS_TIME + config.dayLengthMs, env)
  const gained = (k: TestKey) =>
    (getAccount(boundary.state, k.address)?.balance ?? 0n) - (getAccount(s, k.address)?.balance ?? 0n)
  assert.ok(gained(E) > 0n, 'the genesis seed account earned')
  assert.equal(gained(A), 0n, 'nobody trusted vouches for A: no score, no floor')
})

test('the seed-account parameter: comma-separated distinct addresses, at most max', () => {
  const f = addressListParam(2)
  assert.deepEqual(f.parse(''), [])
  assert.deepEqual(f.parse(`${A.address},${B.address}`), [A.address, B.address])
  assert.equal(f.parse(`${A.address},${A.address}`), undefined, 'duplicate')
  assert.equal(f.parse(`${A.address},${B.address},${E.address}`), undefined, 'too many')
  assert.equal(f.parse(`${A.address},Wnope`), undefined, 'bad address')
  assert.equal(f.parse([A.address]), undefined, 'not a string')
  assert.equal(f.toJson([A.address, B.address]), `${A.address},${B.address}`)
})
