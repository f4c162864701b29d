// The market service on a real ledger with the network protocol: an ask posted from text
// amounts deposits exactly the collateral its capacity needs (worked by hand below), is followed
// to applied, and shows in every node's list of asks; bad input is refused with its code and
// signs nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { getAccount } from '../../shared/ledger/index.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { createRng } from '../../shared/util/prng.ts'
import { TEST_PEER } from '../../shared/market/test/flows.ts'
import { testLedger } from '../node/test-ledger.ts'
import { codeOf, fakeRpc, memoryKv } from '../wallet/test-kit.ts'
import { createVault } from '../wallet/vault.ts'
import { MARKET_GUARDS, type MarketEvents, type MarketMethods } from './market-api.ts'
import type { DealNet } from './deal-wire.ts'
import { createMarketService } from './market-service.ts'
import { memoryDealStorage } from './test-storage.ts'

const T0 = 1_800_000_000_000
const key = (seed: number) => nobleSigner(createRng(seed).bytes(32))
const MIB = 1 << 20

const offline: DealNet = { request: async () => ({ ok: false, error: 'offline' }), handle: () => {} }

const setup = async () => {
  const me = key(40)
  const ledger = testLedger({ networkId: 'market-test', genesisTimeMs: T0, protocol: networkProtocol() })
  const rng = createRng(7)
  const vault = createVault(memoryKv(), crypto.subtle, (n) => rng.bytes(n), { pinIterations: 1000 })
  const { rpc, call, events } = fakeRpc<MarketMethods, MarketEvents>(MARKET_GUARDS)
  const now = T0 + 1000
  const market = await createMarketService(
    { rpc, services: { ledger }, now: () => now },
    {
      key: vault,
      peer: TEST_PEER,
      storage: memoryDealStorage().storage,
      net: offline,
    },
  )
  await market.start()
  const adoptWallet = () =>
    vault.save({
      address: addressOf(me.publicKey),
      publicKey: me.publicKey,
      secret: createRng(40).bytes(32),
      confirmPositions: [],
      lock: { pin: '135790' },
    })
  return { ledger, me, call, events, adoptWallet }
}

test('an ask deposits the collateral its capacity needs, is applied, and every reader lists it', async () => {
  const s = await setup()
  await s.adoptWallet()
  await s.ledger.fund(s.me.publicKey)
  await s.ledger.close(T0 + 2000)
  const me = addressOf(s.me.publicKey)
  const before = getAccount(s.ledger.current().state, me)!.balance
  // 3 MiB at 2 WATT of collateral per GiB: 2 x 10^7 x 3 / 1024 = 58,593.75, rounded up to 58,594
  const { id } = await s.call('market.postAsk', { price: '0.5', collateral: '2', capacity: 3 * MIB })
  let v = await s.call('market.view')
  assert.deepEqual(
    v.txs.map((t) => [t.id, t.kind, t.state]),
    [[id, 'postAsk', 'pending']],
  )
  await s.ledger.close(T0 + 3000)
  await new Promise((r) => setTimeout(r, 10))
  v = await s.call('market.view')
  assert.equal(v.txs[0]?.state, 'applied')
  assert.equal(v.provider?.free, '58594')
  const fee = 2n * s.ledger.genesis().minFeePerOp // addCollateral and postAsk
  assert.equal(getAccount(s.ledger.current().state, me)!.balance, before - 58_594n - fee)
  assert.deepEqual(v.asks, [
    {
      provider: me,
      price: '5000000',
      collateral: '20000000',
      capacity: 3 * MIB,
      minSize: 1,
      maxSize: v.limits.maxSectorSize,
      minPeriods: 1,
      maxPeriods: v.limits.maxDealPeriods,
      peer: TEST_PEER,
    },
  ])
  assert.deepEqual(v.provider?.ask, v.asks[0])
  // a second ask within what is deposited adds no collateral: one operation, one fee
  await s.call('market.postAsk', { price: '0.4', collateral: '2', capacity: MIB })
  await s.ledger.close(T0 + 4000)
  await new Promise((r) => setTimeout(r, 10))
  v = await s.call('market.view')
  assert.deepEqual([v.provider?.free, v.asks[0]?.price], ['58594', '4000000'])
  await new Promise((r) => setTimeout(r, 200)) // events are coalesced over 150 ms
  assert.ok(s.events.some((e) => e.event === 'market'))
})

test('bad input is refused with its code and signs nothing', async () => {
  const s = await setup()
  const ask = { price: '1', collateral: '1', capacity: MIB }
  assert.equal(await codeOf(s.call('market.postAsk', ask)), 'no_wallet')
  await s.adoptWallet()
  await s.ledger.close(T0 + 2000)
  assert.equal(await codeOf(s.call('market.postAsk', ask)), 'no_account')
  await s.ledger.fund(s.me.publicKey)
  await s.ledger.close(T0 + 3000)
  assert.equal(await codeOf(s.call('market.postAsk', { ...ask, price: '1,5x' })), 'bad_amount:format')
  assert.equal(await codeOf(s.call('market.postAsk', { ...ask, capacity: -1 })), 'bad_params')
  assert.equal(await codeOf(s.call('market.postAsk', { ...ask, price: 5 })), 'bad_params')
  // more collateral than the account holds
  assert.equal(
    await codeOf(s.call('market.postAsk', { ...ask, collateral: '1000000000', capacity: 1 << 30 })),
    'insufficient_balance',
  )
  assert.deepEqual((await s.call('market.view')).txs, [])
})
