import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../../shared/util/prng.ts'
import { testLedger as fakeLedger } from '../node/test-ledger.ts'
import { fakeRpc, memoryKv } from './test-kit.ts'
import { TX_LIFETIME_MS } from './build-payment.ts'
import { WALLET_GUARDS, type WalletEvents, type WalletMethods } from './wallet-api.ts'
import { createWalletService } from './wallet-service.ts'
import type { WalletView } from './wallet-view.ts'

const LOCK = { pin: '975310' }

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
    return 'ok'
  } catch (e) {
    return (e as { data?: { code: string } }).data?.code ?? String(e)
  }
}

/** A node: a wallet service on a shared fake ledger, its own store and RPC. */
const node = async (ledger: ReturnType<typeof fakeLedger> | undefined, seed: number, kv = memoryKv()) => {
  const rng = createRng(seed)
  const services = ledger ? { ledger } : {}
  const { rpc, call, events } = fakeRpc<WalletMethods, WalletEvents>(WALLET_GUARDS)
  let t = 1_800_000_000_000
  const wallet = createWalletService(
    { rpc, services, now: () => (t += 10) },
    { kv: async () => kv, subtle: crypto.subtle, random: (n) => rng.bytes(n), pinIterations: 1000 },
  )
  await wallet.start()
  return { wallet, call, events, kv }
}

test('create, back up, faucet, pay a second wallet: balances, histories and the fee pool', async () => {
  const ledger = fakeLedger()
  const a = await node(ledger, 1)
  const b = await node(ledger, 2)
  const created = await a.call('wallet.create', LOCK)
  assert.equal(created.phrase.length, 24)
  assert.equal(created.view.backedUp, false)
  assert.equal(created.view.confirmPositions.length, 3)
  const answers = Object.fromEntries(created.view.confirmPositions.map((p) => [p, created.phrase[p - 1]]))
  assert.equal((await a.call('wallet.confirmBackup', { answers })).backedUp, true)
  const bView = (await b.call('wallet.create', LOCK)).view

  const drip = await a.call('wallet.faucet')
  assert.equal((await a.call('wallet.status')).history[0]?.state, 'pending')
  const l2 = await ledger.closeLedger()
  let va = await a.call('wallet.status')
  assert.equal(va.balance, '100')
  assert.deepEqual(
    { id: va.history[0]?.id, state: va.history[0]?.state, ledger: va.history[0]?.ledger },
    { id: drip.id, state: 'applied', ledger: l2.seq },
  )

  const pay = await a.call('wallet.send', { to: bView.address, amount: '12.5', fee: '0.001' })
  const l3 = await ledger.closeLedger()
  va = await a.call('wallet.status')
  const vb = await b.call('wallet.status')
  assert.equal(va.balance, '87.499') // 100 - 12.5 - 0.001
  assert.equal(vb.balance, '12.5')
  assert.equal(va.history[0]?.id, pay.id)
  assert.equal(va.history[0]?.state, 'applied')
  assert.equal(va.history[0]?.ledger, l3.seq)
  assert.deepEqual(
    vb.history.map((h) => [h.id, h.dir, h.amount, h.counterparty, h.state]),
    [[pay.id, 'in', '12.5', va.address, 'applied']],
  )
  // both fees (faucet's minimum and this payment's 0.001) are in the pool
  assert.equal(va.ledger?.feePool, '0.00101')
  assert.ok(a.events.some((e) => e.event === 'wallet'))

  // b pays back with the default fee: a payment op now (a's account exists), seq 1 for b
  await b.call('wallet.send', { to: va.address, amount: '2' })
  await ledger.closeLedger()
  assert.equal((await a.call('wallet.status')).balance, '89.499')
  assert.equal((await b.call('wallet.status')).balance, '10.49999')
})

test('bad input is refused with its code before anything is signed', async () => {
  const ledger = fakeLedger()
  const a = await node(ledger, 3)
  const to = (await (await node(ledger, 4)).call('wallet.create', LOCK)).view.address!
  assert.equal(await codeOf(a.call('wallet.send', { to, amount: '1' })), 'no_wallet')
  await a.call('wallet.create', LOCK)
  assert.equal(await codeOf(a.call('wallet.send', { to, amount: '1' })), 'no_account')
  await a.call('wallet.faucet')
  await ledger.closeLedger()
  const typo = to.slice(0, 10) + (to[10] === 'A' ? 'B' : 'A') + to.slice(11)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ to: typo, amount: '1' }, 'bad_address'],
    [{ to: 'hello', amount: '1' }, 'bad_address'],
    [{ to, amount: '1.5.2' }, 'bad_amount'],
    [{ to, amount: '-3' }, 'bad_amount'],
    [{ to, amount: '0' }, 'bad_amount'],
    [{ to, amount: '0.00000001' }, 'bad_amount'],
    [{ to, amount: '1', fee: 'x' }, 'bad_fee'],
    [{ to, amount: '1', fee: '0.000001' }, 'below_min_fee'],
    [{ to, amount: '100' }, 'insufficient_balance'],
    [{ to, amount: 1 }, 'bad_params'],
  ]
  for (const [p, code] of cases) assert.equal(await codeOf(a.call('wallet.send', p)), code, JSON.stringify(p))
  const own = (await a.call('wallet.status')).address
  assert.equal(await codeOf(a.call('wallet.send', { to: own, amount: '1' })), 'self_payment')
  assert.equal((await a.call('wallet.status')).history.length, 1)
})

test('two sends before a close use consecutive sequence numbers and reserve the balance', async () => {
  const ledger = fakeLedger()
  const a = await node(ledger, 5)
  const to = (await (await node(ledger, 6)).call('wallet.create', LOCK)).view.address!
  await a.call('wallet.create', LOCK)
  await a.call('wallet.faucet')
  await ledger.closeLedger()
  await a.call('wallet.send', { to, amount: '60' })
  // 60 + fee are reserved by the pending one: 50 more does not fit
  assert.equal(await codeOf(a.call('wallet.send', { to, amount: '50' })), 'insufficient_balance')
  await a.call('wallet.send', { to, amount: '30' })
  await ledger.closeLedger()
  const v = await a.call('wallet.status')
  assert.deepEqual(
    v.history.map((h) => [h.amount, h.state]),
    [
      ['30', 'applied'],
      ['60', 'applied'],
      ['100', 'applied'],
    ],
  )
  assert.equal(v.balance, '9.99998')
})

test('pending txs end as dropped (expired, seq unused), unknown (seq used unseen) or rejected (code)', async () => {
  const ledger = fakeLedger()
  const a = await node(ledger, 7)
  await a.call('wallet.create', LOCK)
  await a.call('wallet.faucet')
  await ledger.closeLedger()
  const to = (await (await node(ledger, 8)).call('wallet.create', LOCK)).view.address!
  await a.call('wallet.send', { to, amount: '1' })
  ledger.lose()
  await ledger.closeLedger()
  assert.equal((await a.call('wallet.status')).history[0]?.state, 'pending')
  await ledger.closeLedger(TX_LIFETIME_MS + 60_000)
  assert.deepEqual(
    [(await a.call('wallet.status')).history[0]?.state, (await a.call('wallet.status')).history[0]?.code],
    ['dropped', 'expired'],
  )

  // the same key restored on a second node takes seq 1 while this node watches, then seq 2 while not
  const b = await node(ledger, 9)
  const { phrase } = await b.call('wallet.create', LOCK)
  await b.call('wallet.faucet')
  await ledger.closeLedger()
  const twin = await node(ledger, 10)
  await twin.call('wallet.restore', { phrase: phrase.join(' '), ...LOCK })
  await b.call('wallet.send', { to, amount: '1' })
  ledger.lose()
  await twin.call('wallet.send', { to, amount: '2' })
  await ledger.closeLedger()
  const hb = (await b.call('wallet.status')).history
  assert.deepEqual(
    hb.slice(0, 2).map((h) => [h.amount, h.state, h.code]),
    [
      ['2', 'applied', undefined],
      ['1', 'dropped', 'seq_taken'],
    ],
  )
  await b.call('wallet.send', { to, amount: '3' })
  ledger.lose()
  b.wallet.stop()
  await twin.call('wallet.send', { to, amount: '4' })
  await ledger.closeLedger()
  const back = await node(ledger, 11, b.kv)
  await ledger.closeLedger()
  assert.equal((await back.call('wallet.status')).history[0]?.state, 'unknown')

  // a faucet race: two creates of the same account in one ledger, the second fails in apply
  const c = await node(ledger, 12)
  await c.call('wallet.create', LOCK)
  await c.call('wallet.faucet')
  await c.call('wallet.faucet')
  await ledger.closeLedger()
  const hc = (await c.call('wallet.status')).history
  assert.deepEqual(hc.map((h) => [h.state, h.code]).sort(), [
    ['applied', undefined],
    ['rejected', 'account_exists'],
  ])
})

test('history and keys survive a restart; restore from the phrase gives the same address', async () => {
  const ledger = fakeLedger()
  const kv = memoryKv()
  const a = await node(ledger, 20, kv)
  const { phrase, view } = await a.call('wallet.create', LOCK)
  await a.call('wallet.faucet')
  await ledger.closeLedger()
  a.wallet.stop()
  const again = await node(ledger, 21, kv)
  const v = await again.call('wallet.status')
  assert.equal(v.address, view.address)
  assert.equal(v.backedUp, false)
  assert.equal(v.history.length, 1)
  assert.equal(await codeOf(again.call('wallet.create', LOCK)), 'wallet_exists')

  const other = await node(ledger, 22)
  assert.equal(
    await codeOf(other.call('wallet.restore', { phrase: 'abandon abandon', ...LOCK })),
    'bad_phrase',
  )
  const restored = await other.call('wallet.restore', { phrase: phrase.join(' '), ...LOCK })
  assert.equal(restored.address, view.address)
  assert.equal(restored.backedUp, true)
  assert.equal(restored.balance, '100')
})

test('without a ledger service the wallet still makes keys, and sending says ledger_unavailable', async () => {
  const a = await node(undefined, 13)
  const c = await a.call('wallet.create', LOCK)
  assert.equal(c.view.ledger, undefined)
  assert.equal(c.view.faucet, false)
  const codes = await Promise.all([
    codeOf(a.call('wallet.send', { to: c.view.address, amount: '1' })),
    codeOf(a.call('wallet.faucet')),
    codeOf(a.call('wallet.ledgers', { limit: 5 })),
  ])
  assert.deepEqual(codes, ['ledger_unavailable', 'ledger_unavailable', 'ledger_unavailable'])
  const noFaucet = await node(fakeLedger({ faucet: false }), 14)
  await noFaucet.call('wallet.create', LOCK)
  assert.equal(await codeOf(noFaucet.call('wallet.faucet')), 'no_faucet')
})

test('a faucet request whose sequence number another node took is asked again, a bounded number of times', async () => {
  const ledger = fakeLedger()
  const c = await node(ledger, 30)
  const d = await node(ledger, 31)
  await c.call('wallet.create', LOCK)
  await d.call('wallet.create', LOCK)
  type Row = [string, string | undefined]
  const states = async (n: Awaited<ReturnType<typeof node>>): Promise<Row[]> =>
    (await n.call('wallet.status')).history.map((h) => [h.state, h.code])
  /** The wallet updates its history and asks again from its serial queue, after the close. */
  const until = async (n: Awaited<ReturnType<typeof node>>, done: (rows: Row[]) => boolean) => {
    for (let i = 0; i < 200 && !done(await states(n)); i++) await new Promise((r) => setTimeout(r, 10))
    return states(n)
  }
  const count = (rows: Row[], state: string) => rows.filter(([s]) => s === state).length

  // c's request never reaches the validators; d's node, not having seen it, signs the same seq
  await c.call('wallet.faucet')
  ledger.lose()
  await d.call('wallet.faucet')
  await ledger.closeLedger()
  assert.deepEqual(await until(c, (rows) => rows.length === 2), [
    ['pending', undefined],
    ['dropped', 'seq_taken'],
  ])
  await ledger.closeLedger()
  assert.equal((await c.call('wallet.status')).balance, '100')
  assert.deepEqual(
    (await until(c, (rows) => count(rows, 'pending') === 0)).map(([state]) => state),
    ['applied', 'dropped'],
  )

  // every retry lost too: after the first request and two more, the wallet stops asking
  const e = await node(ledger, 32)
  await e.call('wallet.create', LOCK)
  await e.call('wallet.faucet')
  for (let i = 0; i < 4; i++) {
    ledger.lose()
    await d.call('wallet.faucet')
    await ledger.closeLedger()
    // each lost request is dropped, and asked again (submitted, pending) while retries are left
    await until(
      e,
      (rows) => count(rows, 'dropped') === Math.min(i + 1, 3) && count(rows, 'pending') === (i < 2 ? 1 : 0),
    )
  }
  assert.deepEqual(await states(e), [
    ['dropped', 'seq_taken'],
    ['dropped', 'seq_taken'],
    ['dropped', 'seq_taken'],
  ])
})

test('a PIN wallet starts each core session locked: nothing signs until the right PIN, and lock locks again', async () => {
  const ledger = fakeLedger()
  const kv = memoryKv()
  const a = await node(ledger, 40, kv)
  assert.equal(await codeOf(a.call('wallet.create')), 'bad_params')
  assert.equal(await codeOf(a.call('wallet.create', { pin: '12345' })), 'bad_pin')
  assert.equal((await a.call('wallet.status')).exists, false)
  const { view, phrase } = await a.call('wallet.create', LOCK)
  assert.deepEqual([view.lock, view.locked], ['pin', false])
  await a.call('wallet.faucet')
  await ledger.closeLedger()
  const to = (await (await node(ledger, 41)).call('wallet.create', LOCK)).view.address!
  a.wallet.stop()

  const next = await node(ledger, 42, kv)
  assert.equal((await next.call('wallet.status')).locked, true)
  assert.equal(await codeOf(next.call('wallet.send', { to, amount: '1' })), 'wallet_locked')
  const answers = Object.fromEntries(view.confirmPositions.map((p) => [p, phrase[p - 1]]))
  assert.equal(await codeOf(next.call('wallet.confirmBackup', { answers })), 'wallet_locked')
  assert.equal(await codeOf(next.wallet.accountKey.withSigner(async () => 1)), 'wallet_locked')
  assert.equal(await codeOf(next.call('wallet.setLock', { pin: '11112222' })), 'wallet_locked')
  assert.equal(await codeOf(next.call('wallet.unlock', { pin: '975311' })), 'wrong_pin')
  assert.equal(await codeOf(next.call('wallet.unlock', {})), 'bad_params')
  assert.equal((await next.call('wallet.status')).locked, true)
  const unlocked = await next.call('wallet.unlock', LOCK)
  assert.equal(unlocked.locked, false)
  assert.equal(
    (next.events.at(-1)?.data as WalletView | undefined)?.locked,
    false,
    'every tab hears of the unlock',
  )
  await next.call('wallet.send', { to, amount: '1' })
  assert.equal((await next.call('wallet.confirmBackup', { answers })).backedUp, true)
  assert.equal((await next.call('wallet.lock')).locked, true)
  assert.equal(await codeOf(next.call('wallet.send', { to, amount: '1' })), 'wallet_locked')
  await ledger.closeLedger()
  assert.equal((await next.call('wallet.status')).history[0]?.state, 'applied')
})

test('a passkey wallet unlocks with the PRF output; a new PIN replaces the passkey', async () => {
  const kv = memoryKv()
  const a = await node(undefined, 43, kv)
  const passkey = {
    credentialId: new Uint8Array([1, 2, 3]),
    salt: new Uint8Array(32).fill(7),
    prf: new Uint8Array(32).fill(9),
  }
  assert.equal(
    await codeOf(a.call('wallet.create', { passkey: { ...passkey, salt: new Uint8Array(31) } })),
    'bad_params',
  )
  const { view } = await a.call('wallet.create', { passkey })
  assert.deepEqual(
    [view.lock, view.passkey?.credentialId, view.passkey?.salt],
    ['passkey', passkey.credentialId, passkey.salt],
  )
  a.wallet.stop()
  const next = await node(undefined, 44, kv)
  assert.equal(await codeOf(next.call('wallet.unlock', { prf: new Uint8Array(32) })), 'wrong_passkey')
  assert.equal(await codeOf(next.call('wallet.unlock', LOCK)), 'lock_mismatch')
  await next.call('wallet.unlock', { prf: passkey.prf })
  assert.equal((await next.call('wallet.setLock', LOCK)).lock, 'pin')
  const third = await node(undefined, 45, kv)
  assert.equal((await third.call('wallet.unlock', LOCK)).address, view.address)
})
