// Presence in the ledger: passkeys registered by their accounts, check-ins whose WebAuthn proofs
// every validator verifies, and a newcomer's fee-free first transaction that opens its account.
// A refused fee-free check-in leaves the state exactly as a ledger without it (same state root).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { createMempool, OPENING_TX_MAX_LIFETIME_MS } from '../ledger/mempool.ts'
import { composeProtocol } from '../ledger/module.ts'
import { coreModule } from '../ledger/operations/core.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, getData, type LedgerState } from '../ledger/state.ts'
import {
  body,
  close,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  signed,
  type TestKey,
  testConfig,
  testKey,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { checkTx } from '../ledger/tx-set.ts'
import { keys, MODULE } from './ledger-data.ts'
import { miningModule } from './module.ts'
import { checkIn } from './operations.ts'
import { defaultMiningParams } from './params.ts'
import { weightOf } from './weights.ts'
import { makeAssertion, type SoftPasskey, softPasskey } from './test/authenticator.ts'

const config = testConfig({ params: { core: { freeTxsPerLedger: 3 } } })
const env = { config, protocol: composeProtocol([coreModule, miningModule]) }
const DAY = config.dayLengthMs
const [A, B, N, M] = [30, 31, 32, 33].map(testKey) as [TestKey, TestKey, TestKey, TestKey]
const T0 = GENESIS_TIME + 1000

const register = (k: SoftPasskey, publicKey = k.publicKey) =>
  ({ type: 'registerPasskey', credentialId: k.credentialId, publicKey }) as Operation
const challenge = (day: number, who: TestKey, network = 'watt-test') =>
  `WATT presence v1|${network}|${day}|${who.address}`
const passkeyCheckIn = (k: SoftPasskey, o: Parameters<typeof makeAssertion>[1]) =>
  ({ type: 'checkIn', presence: makeAssertion(k, o) }) as Operation
const free = (k: TestKey, seq: bigint, ops: Operation[]) =>
  signed(k, body(k, seq, ops, { fee: watt(0), maxTimeMs: T0 + 10 * DAY }))
const paid = (k: TestKey, seq: bigint, ops: Operation[]) => signed(k, body(k, seq, ops))
const ledger = async (s: LedgerState, txs: Promise<Uint8Array>[], t: number) =>
  close(s, await Promise.all(txs), t, env, { signers: [VALIDATOR.address] })
const kindOf = (s: LedgerState, day: number, k: TestKey) => getData(s, MODULE, keys.checkedIn(day, k.address))

/** A, B funded; A holds passkey pa. */
const setup = async (pa: SoftPasskey) => {
  let s = genesis(config, env.protocol)
  s = (await ledger(s, [paid(FAUCET, 1n, [create(A, watt(10)), create(B, watt(10))])], T0)).state
  const r = await ledger(s, [paid(A, 1n, [register(pa)])], T0 + 1000)
  assert.deepEqual(
    r.results.map((x) => x.code),
    [undefined],
  )
  return r.state
}

test('checkIn parses a hold or a passkey proof of bounded size, and nothing else', () => {
  const pk = softPasskey()
  assert.equal(checkIn.parse({ type: 'checkIn' }).ok, false)
  assert.equal(checkIn.parse({ type: 'checkIn', presence: { kind: 'hold' } }).ok, true)
  assert.equal(checkIn.parse({ type: 'checkIn', presence: { kind: 'hold', trusted: true } }).ok, false)
  const good = makeAssertion(pk, { challenge: 'x' })
  assert.equal(checkIn.parse({ type: 'checkIn', presence: good }).ok, true)
  const big = { ...good, clientDataJSON: new Uint8Array(1025) }
  assert.equal(checkIn.parse({ type: 'checkIn', presence: big }).ok, false)
  assert.equal(checkIn.parse({ type: 'checkIn', presence: { ...good, kind: 'hold' } }).ok, false)
})

test('a newcomer with no account registers a passkey and checks in fee-free on day one', async () => {
  const pa = softPasskey()
  const pn = softPasskey()
  const s = await setup(pa)
  const t = T0 + 2000
  const r = await ledger(
    s,
    [free(N, 1n, [register(pn), passkeyCheckIn(pn, { challenge: challenge(0, N) })])],
    t,
  )
  assert.deepEqual(
    r.results.map((x) => [x.ok, x.fee]),
    [[true, 0n]],
  )
  assert.deepEqual(getAccount(r.state, N.address), { balance: 0n, seq: 1n })
  assert.equal(kindOf(r.state, 0, N), 'passkey')
  // A checks in with its passkey, B with a hold: each kind is recorded
  const r2 = await ledger(
    r.state,
    [
      free(A, 2n, [passkeyCheckIn(pa, { challenge: challenge(0, A) })]),
      free(B, 1n, [{ type: 'checkIn', presence: { kind: 'hold' } } as Operation]),
    ],
    t + 1000,
  )
  assert.deepEqual(
    r2.results.map((x) => x.code),
    [undefined, undefined],
  )
  assert.deepEqual([kindOf(r2.state, 0, A), kindOf(r2.state, 0, B)], ['passkey', 'hold'])
})

test('a refused fee-free check-in from a newcomer changes nothing, each with its code', async () => {
  const pa = softPasskey()
  const pn = softPasskey()
  const s = await setup(pa)
  const t = T0 + 2000
  const empty = await ledger(s, [], t)
  const cases: [string, Operation[]][] = [
    ['presence_wrong_day', [register(pn), passkeyCheckIn(pn, { challenge: challenge(1, N) })]],
    ['presence_wrong_account', [register(pn), passkeyCheckIn(pn, { challenge: challenge(0, A) })]],
    ['presence_bad_challenge', [register(pn), passkeyCheckIn(pn, { challenge: challenge(0, N, 'other') })]],
    ['passkey_other_account', [passkeyCheckIn(pa, { challenge: challenge(0, N) })]],
    ['passkey_unknown', [passkeyCheckIn(pn, { challenge: challenge(0, N) })]],
    [
      'presence_bad_signature',
      [register(pn), passkeyCheckIn(pn, { challenge: challenge(0, N), signWith: pa.privateKey })],
    ],
    ['presence_no_uv', [register(pn), passkeyCheckIn(pn, { challenge: challenge(0, N), flags: 0x01 })]],
    [
      'presence_wrong_rp',
      [
        register(pn),
        passkeyCheckIn(pn, {
          challenge: challenge(0, N),
          origin: 'https://evil.example',
          rpId: 'evil.example',
        }),
      ],
    ],
    ['passkey_taken', [register(pa), passkeyCheckIn(pa, { challenge: challenge(0, N) })]],
  ]
  for (const [code, ops] of cases) {
    const r = await ledger(s, [free(N, 1n, ops)], t)
    assert.equal(r.results[0]?.code, code)
    assert.equal(r.results[0]?.fee, 0n)
    assert.deepEqual(r.header.stateRoot, empty.header.stateRoot, `${code}: the state changed`)
  }
})

test('one passkey serves one account: its credential id or its key, compressed or not', async () => {
  const pa = softPasskey()
  const s = await setup(pa)
  const sameKey = { ...softPasskey(), publicKey: pa.publicKey }
  const compressed = new Uint8Array([2 + (pa.publicKey[64]! & 1), ...pa.publicKey.subarray(1, 33)])
  const cases: [TestKey, bigint, Operation, string][] = [
    [B, 1n, register(pa), 'passkey_taken'],
    [B, 1n, register(sameKey), 'passkey_taken'],
    [B, 1n, register(sameKey, compressed), 'passkey_taken'],
    [A, 2n, register(pa), 'passkey_exists'],
    [A, 2n, register(softPasskey(), new Uint8Array(65).fill(4)), 'passkey_bad_key'],
  ]
  for (const [who, seq, op, code] of cases) {
    const r = await ledger(s, [paid(who, seq, [op])], T0 + 2000)
    assert.equal(r.results[0]?.code, code)
  }
})

test('fee-free transactions: bounded per ledger, only feeless operations, only checkIn opens an account', async () => {
  const pa = softPasskey()
  const s = await setup(pa)
  const hold = { type: 'checkIn', presence: { kind: 'hold' } } as Operation
  const extra = [40, 41, 42].map(testKey) as [TestKey, TestKey, TestKey]
  const r = await ledger(
    s,
    [
      free(A, 2n, [hold]),
      free(B, 1n, [hold]),
      ...extra.map((k) => free(k, 1n, [hold])),
      free(M, 1n, [register(softPasskey())]),
    ],
    T0 + 2000,
  )
  const codes = r.results.map((x) => x.code ?? 'ok')
  // 3 free txs fit (freeTxsPerLedger = 3, in canonical order); the rest are refused with no effect
  assert.equal(codes.filter((c) => c === 'ok').length, 3)
  assert.equal(codes.filter((c) => c === 'free_limit').length, 2)
  assert.equal(codes.filter((c) => c === 'no_account').length, 1)
  // a fee-free payment is below the minimum fee
  const pay = await ledger(
    s,
    [free(A, 2n, [{ type: 'payment', dest: B.pk, amount: 1n } as Operation])],
    T0 + 2000,
  )
  assert.equal(pay.results[0]?.code, 'below_min_fee')
})

test('the mempool: an opening check-in waits with a near expiry, fee-free ones are capped per ledger', async () => {
  const s = genesis(config, env.protocol)
  const hold = { type: 'checkIn', presence: { kind: 'hold' } } as Operation
  const now = GENESIS_TIME + 500
  const check = async (k: TestKey, maxTimeMs: number) => {
    const r = await checkTx(
      await signed(k, body(k, 1n, [hold], { fee: watt(0), maxTimeMs })),
      env.protocol,
      nodeVerifier,
    )
    if (!r.ok) throw new Error(r.error.code)
    return r.value
  }
  const m = createMempool(config)
  const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code)
  assert.equal(code(m.add(await check(N, 0), s, now)), 'no_account')
  assert.equal(code(m.add(await check(N, now + OPENING_TX_MAX_LIFETIME_MS + 1), s, now)), 'no_account')
  const opening = [N, M, A, B].map((k) => check(k, now + 60_000))
  for (const t of await Promise.all(opening)) assert.equal(code(m.add(t, s, now)), 'ok')
  assert.equal(m.select(50, 2).length, 2)
  assert.equal(m.select(50).length, 4)
  // still waiting after a ledger that did not include them; dropped once included (even refused)
  m.update(s, now + 1000)
  assert.equal(m.size, 4)
  const [first] = m.select(50, 1)
  m.update(s, now + 2000, new Set([first!.id]))
  assert.equal(m.size, 3)
  m.update(s, now + 61_000)
  assert.equal(m.size, 0)
})

test('presence weighs by kind: a hold check-in weighs holdWeightPpm of a passkey one (hand-worked)', () => {
  const p = { ...defaultMiningParams, passkeyWeightPpm: 1_000_000, holdWeightPpm: 500_000 }
  const person = { checkedIn: true, score: 1_000_000, vouched: true, circleActive: 2, referralsActive: 1 }
  // trust 1 at score 1, vouched (0.25 + 0.75); circle factor 1 + 2 * 0.2 = 1.4; referral factor 1 + 0.25 = 1.25
  const passkey = weightOf({ ...person, presencePpm: p.passkeyWeightPpm }, 0, p)
  const hold = weightOf({ ...person, presencePpm: p.holdWeightPpm }, 0, p)
  assert.deepEqual(
    [passkey.base, passkey.circle, passkey.referral, passkey.total],
    [1_000_000, 400_000, 350_000, 1_750_000],
  )
  assert.deepEqual([hold.base, hold.circle, hold.referral, hold.total], [500_000, 200_000, 175_000, 875_000])
  assert.deepEqual(
    [defaultMiningParams.passkeyWeightPpm, defaultMiningParams.holdWeightPpm],
    [1_000_000, 500_000],
  )
})
