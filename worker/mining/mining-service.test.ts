import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { encodeTx, getAccount, type Operation, signTx } from '../../shared/ledger/index.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { NodeIdentity } from '../core/identity.ts'
import { testLedger } from '../node/test-ledger.ts'
import { createVault } from '../wallet/vault.ts'
import { codeOf, fakeRpc, memoryKv } from '../wallet/test-kit.ts'
import { MINING_GUARDS, type MiningEvents, type MiningMethods } from './mining-api.ts'
import { createMiningService } from './mining-service.ts'
import { makeAssertion, softPasskey } from '../../shared/mining/test/authenticator.ts'
import type { PresenceProof } from './presence.ts'

const T0 = 1_800_000_000_000
const DAY = 60_000
const key = (seed: number) => nobleSigner(createRng(seed).bytes(32))

/**
 * One node's ledger with the network protocol (mining included), closed by hand at chosen times;
 * `seed` is its genesis seed account (so that account's check-ins earn).
 */
const miningLedger = (seed: string) =>
  testLedger({
    networkId: 'mining-test',
    genesisTimeMs: T0,
    dayLengthMs: DAY,
    protocol: networkProtocol(),
    params: { mining: { seedAccounts: seed } },
  })

const proof = (nowMs: number, holdMs = 1800): PresenceProof => ({
  v: 1,
  pointerType: 'mouse',
  down: { at: nowMs - holdMs - 50, trusted: true },
  up: { at: nowMs - 50, trusted: true },
  samples: [1, 2, 3, 4].map((i) => nowMs - holdMs - 50 + i * 300),
  untrusted: 0,
})

const setup = async () => {
  const me = key(20)
  const ledger = miningLedger(addressOf(me.publicKey))
  const kv = memoryKv()
  const rng = createRng(9)
  const friends = [key(21), key(22), key(23)]
  let now = T0 + 1000
  const { rpc, call, events } = fakeRpc<MiningMethods, MiningEvents>(MINING_GUARDS)
  const identity = { signer: key(3) } as unknown as NodeIdentity
  const services = { ledger }
  const random = (n: number) => rng.bytes(n)
  const vault = createVault(kv, crypto.subtle, random, { pinIterations: 1000 })
  const mining = createMiningService({ rpc, services, now: () => now, identity }, { key: vault })
  await mining.start()
  const adoptWallet = () =>
    vault.save({
      address: addressOf(me.publicKey),
      publicKey: me.publicKey,
      secret: createRng(20).bytes(32),
      confirmPositions: [],
      lock: { pin: '135790' },
    })
  const status = () => call('mining.status')
  const at = (ms: number) => {
    now = ms
  }
  return { ledger, me, friends, call, status, events, adoptWallet, at, now: () => now }
}

/** A wallet for `me`, and accounts for `me` and the three friends, closed at T0 + 2 s. */
const withFriends = async () => {
  const s = await setup()
  await s.adoptWallet()
  await s.ledger.fund(s.me.publicKey)
  for (const f of s.friends) await s.ledger.fund(f.publicKey)
  await s.ledger.close(T0 + 2000)
  return s
}

test('check-in needs a wallet and a fresh presence proof, opens a newcomer its account fee-free; once a day', async () => {
  const s = await setup()
  assert.equal((await s.status()).wallet, false)
  assert.equal(await codeOf(s.call('mining.checkIn', { proof: proof(s.now()) })), 'no_wallet')
  await s.adoptWallet()
  await s.ledger.close(T0 + 2000)
  s.at(T0 + 3000)
  let v = await s.status()
  assert.deepEqual([v.wallet, v.accountExists, v.checkedInToday, v.today], [true, false, false, 0])
  assert.equal(v.inviteCode, addressOf(s.me.publicKey))
  assert.equal(v.nextDayAtMs, T0 + DAY)

  assert.equal(await codeOf(s.call('mining.checkIn', {})), 'presence_required:missing')
  assert.equal(
    await codeOf(s.call('mining.checkIn', { proof: proof(s.now(), 900) })),
    'presence_required:too_short',
  )
  const good = proof(s.now())
  await s.call('mining.checkIn', { proof: good })
  assert.equal(await codeOf(s.call('mining.checkIn', { proof: good })), 'presence_required:replayed')
  s.at(T0 + 3500)
  assert.equal(await codeOf(s.call('mining.checkIn', { proof: proof(s.now()) })), 'check_in_pending')
  v = await s.status()
  assert.deepEqual([v.checkInPending, v.txs[0]?.kind, v.txs[0]?.state], [true, 'checkIn', 'pending'])
  await s.ledger.close(T0 + 4000)
  await new Promise((r) => setTimeout(r, 10))
  v = await s.status()
  assert.deepEqual(
    [v.checkedInToday, v.checkInPending, v.txs[0]?.state, v.checkInsToday, v.presenceKind],
    [true, false, 'applied', 1, 'hold'],
  )
  // the check-in opened the account, with nothing in it: it paid no fee
  assert.deepEqual([v.accountExists, v.balance], [true, '0'])
  s.at(T0 + 5000)
  assert.equal(await codeOf(s.call('mining.checkIn', { proof: proof(s.now()) })), 'already_checked_in')
  assert.ok(s.events.some((e) => e.event === 'mining'))
})

test('a passkey check-in: registered with the first check-in, forwarded as is, verified by the ledger', async () => {
  const s = await setup()
  await s.adoptWallet()
  await s.ledger.close(T0 + 2000)
  s.at(T0 + 3000)
  const me = addressOf(s.me.publicKey)
  const pk = softPasskey()
  const challenge = `WATT presence v1|mining-test|0|${me}`
  // a page script's made-up proof reaches the ledger, which refuses it
  const forged = { ...makeAssertion(pk, { challenge }), signature: new Uint8Array(70).fill(0x30) }
  assert.deepEqual(
    await s.call('mining.registerPasskey', { credentialId: pk.credentialId, publicKey: pk.publicKey }),
    {
      pending: true,
    },
  )
  assert.equal((await s.status()).passkeyPending, true)
  await s.call('mining.checkIn', { proof: forged })
  await s.ledger.close(T0 + 4000)
  await new Promise((r) => setTimeout(r, 10))
  let v = await s.status()
  assert.deepEqual(
    [v.txs[0]?.state, v.txs[0]?.code, v.accountExists],
    ['rejected', 'presence_bad_signature', false],
  )
  s.at(T0 + 5000)
  await s.call('mining.checkIn', { proof: makeAssertion(pk, { challenge }) })
  await s.ledger.close(T0 + 6000)
  await new Promise((r) => setTimeout(r, 10))
  v = await s.status()
  assert.deepEqual(
    [v.checkedInToday, v.presenceKind, v.passkeys, v.passkeyPending, v.balance],
    [true, 'passkey', 1, false, '0'],
  )
})

test('circle and invite requests are checked before signing; the day boundary pays what was estimated', async () => {
  const s = await withFriends()
  s.at(T0 + 2500)
  const addrs = s.friends.map((f) => addressOf(f.publicKey) as string)
  const mine = addressOf(s.me.publicKey) as string
  assert.equal(await codeOf(s.call('mining.setCircle', { members: addrs.slice(0, 2) })), 'bad_circle:size')
  assert.equal(
    await codeOf(s.call('mining.setCircle', { members: [...addrs.slice(0, 2), mine] })),
    'bad_circle:self',
  )
  assert.equal(
    await codeOf(s.call('mining.setCircle', { members: [addrs[0], addrs[0], addrs[1]] })),
    'bad_circle:duplicate',
  )
  const typo = `${addrs[0]!.slice(0, 10)}${addrs[0]![10] === 'A' ? 'B' : 'A'}${addrs[0]!.slice(11)}`
  assert.equal(
    await codeOf(s.call('mining.setCircle', { members: [typo, ...addrs.slice(1)] })),
    'bad_address:bad_checksum',
  )
  const stranger = addressOf(key(99).publicKey)
  assert.equal(
    await codeOf(s.call('mining.setCircle', { members: [stranger, ...addrs.slice(1)] })),
    'no_account',
  )
  assert.equal(await codeOf(s.call('mining.acceptInvite', { ambassador: mine })), 'bad_invite:self')

  await s.call('mining.setCircle', { members: addrs })
  await s.call('mining.acceptInvite', { ambassador: addrs[0] })
  await s.call('mining.checkIn', { proof: proof(s.now()) })
  await s.ledger.close(T0 + 3000)
  await new Promise((r) => setTimeout(r, 10))
  s.at(T0 + 9000) // the estimate is recomputed at most every 5 s
  let v = await s.status()
  assert.deepEqual(
    v.txs.map((t) => t.state),
    ['applied', 'applied', 'applied'],
  )
  assert.deepEqual(
    v.circle.map((m) => m.address),
    addrs,
  )
  assert.ok(v.circle.every((m) => !m.inForceToday && !m.activeToday))
  assert.equal(v.circleFrom, 1)
  assert.equal(v.invitedBy, addrs[0])
  assert.equal(
    await codeOf(s.call('mining.acceptInvite', { ambassador: addrs[1] })),
    'bad_invite:already_accepted',
  )
  const estimate = BigInt(v.estimate ?? '-1')
  assert.ok(estimate > 0n)
  const before = getAccount(s.ledger.current().state, addressOf(s.me.publicKey))!.balance

  await s.ledger.close(T0 + DAY + 100) // first ledger of day 1: day 0 is distributed
  s.at(T0 + DAY + 200)
  v = await s.status()
  const after = BigInt(v.balance)
  const [entry] = v.history
  assert.equal(entry?.day, 0)
  assert.equal(after - before, BigInt(entry.total))
  assert.equal(BigInt(entry.total), estimate) // nothing changed between the estimate and the close
  const parts = [entry.base, entry.circle, entry.referral, entry.node, entry.fee].map(BigInt)
  assert.equal(
    parts.reduce((a, b) => a + b, 0n),
    BigInt(entry.total),
  )
  assert.deepEqual(v.lastDay, { day: 0, ledgers: 2, validators: [] })
  assert.deepEqual([v.today, v.checkedInToday, v.circle.every((m) => m.inForceToday)], [1, false, true])
})

test('a mining tx takes the sequence number after a payment pending in the mempool', async () => {
  const s = await withFriends()
  const { state, header } = s.ledger.current()
  const seq = getAccount(state, addressOf(s.me.publicKey))!.seq
  // a payment the wallet sent and the ledger has not applied yet
  const pay = {
    network: s.ledger.genesis().networkId,
    source: s.me.publicKey,
    seq: seq + 1n,
    fee: s.ledger.genesis().minFeePerOp,
    minTimeMs: 0,
    maxTimeMs: header.closeTimeMs + 60_000,
    memo: new Uint8Array(0),
    ops: [{ type: 'payment', dest: s.friends[0]!.publicKey, amount: 5n } as unknown as Operation],
  }
  assert.equal((await s.ledger.submit(encodeTx(await signTx(pay, [s.me])))).ok, true)
  s.at(T0 + 2500)
  await s.call('mining.setCircle', { members: s.friends.map((f) => addressOf(f.publicKey)) })
  const results = await s.ledger.close(T0 + 3000)
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, true],
  )
  assert.equal(getAccount(s.ledger.current().state, addressOf(s.me.publicKey))!.seq, seq + 2n)
})

test("linkNode signs with the wallet's key and this node's key; the ledger records the operator", async () => {
  const s = await withFriends()
  s.at(T0 + 2500)
  assert.equal((await s.status()).node.operator, undefined)
  await s.call('mining.linkNode', undefined)
  const results = await s.ledger.close(T0 + 3000)
  assert.deepEqual(
    results.map((r) => [r.ok, r.code]),
    [[true, undefined]],
  )
  await new Promise((r) => setTimeout(r, 10))
  s.at(T0 + 3500)
  const v = await s.status()
  assert.equal(v.node.operator, addressOf(s.me.publicKey))
  assert.equal(v.txs[0]?.kind, 'linkNode')
  assert.equal(await codeOf(s.call('mining.linkNode', undefined)), 'bad_link:already_linked')
})
