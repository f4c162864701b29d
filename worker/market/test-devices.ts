// Devices for the market's Node tests and benchmark: each a wallet, an in-memory proof worker
// (test-storage.ts) and a market service on one shared test ledger. Deal data travels over the
// real `/watt/deal/1` protocol on an in-memory network: each request goes straight to the
// handler the addressed device registered.
import assert from 'node:assert/strict'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { testLedger } from '../node/test-ledger.ts'
import { fakeRpc, memoryKv } from '../wallet/test-kit.ts'
import { createVault } from '../wallet/vault.ts'
import type { DealNet } from './deal-wire.ts'
import { MARKET_GUARDS, type MarketEvents, type MarketMethods } from './market-api.ts'
import { createMarketService } from './market-service.ts'
import { memoryDealStorage } from './test-storage.ts'

export type TestLedger = ReturnType<typeof testLedger>

export const settle = () => new Promise((r) => setTimeout(r, 30))

type Handler = Parameters<DealNet['handle']>[1]
/** Handlers by peer id and protocol (`<peer> <protocol>`). */
export type MemoryNet = Map<string, Handler>

/** The node `self` on an in-memory network of handlers by peer id and protocol. */
export const memoryNet = (peers: MemoryNet, self: string): DealNet => ({
  request: async (peerId, protocol, data) => {
    const h = peers.get(`${peerId} ${protocol}`)
    if (!h) return { ok: false, error: 'no_direct_connection' }
    return { ok: true, data: await h({ peerId: self, transport: 'memory', data }), transport: 'memory' }
  },
  handle: (protocol, handler) => void peers.set(`${self} ${protocol}`, handler),
})

/** An unlocked wallet vault holding the account key of seed `label`. */
export const testVault = async (label: number) => {
  const key = nobleSigner(createRng(label).bytes(32))
  const rng = createRng(label + 1)
  const vault = createVault(memoryKv(), crypto.subtle, (n) => rng.bytes(n), { pinIterations: 1000 })
  await vault.save({
    address: addressOf(key.publicKey),
    publicKey: key.publicKey,
    secret: createRng(label).bytes(32),
    confirmPositions: [],
    lock: { pin: '135790' },
  })
  return { key, vault }
}

export const marketDevice = async (ledger: TestLedger, label: number, peers: MemoryNet) => {
  const { key, vault } = await testVault(label)
  const { rpc, call } = fakeRpc<MarketMethods, MarketEvents>(MARKET_GUARDS)
  const disk = memoryDealStorage()
  const peer = `12D3KooWPeer${label}`
  const market = await createMarketService(
    { rpc, services: { ledger }, now: () => ledger.current().header.closeTimeMs },
    {
      key: vault,
      peer,
      storage: disk.storage,
      net: memoryNet(peers, peer),
    },
  )
  await market.start()
  await ledger.fund(key.publicKey)
  return { call, disk, address: addressOf(key.publicKey), peer, market }
}

/** A client (label 70) and a provider (71) whose ask stands on the ledger. */
export const clientAndProvider = async (
  ledger: TestLedger,
  peers: MemoryNet,
  ask: { price: string; collateral: string; capacity: number },
) => {
  const client = await marketDevice(ledger, 70, peers)
  const provider = await marketDevice(ledger, 71, peers)
  await ledger.closeLedger()
  await provider.call('market.postAsk', ask)
  await ledger.closeLedger()
  return { client, provider }
}

/** Closes ledgers one by one, letting the services act after each, until `done` or `max`. */
export const closeUntil = async (ledger: TestLedger, done: () => Promise<boolean>, max: number) => {
  for (let i = 0; i < max; i++) {
    if (await done()) return
    await ledger.closeLedger()
    for (let k = 0; k < 5; k++) await settle()
  }
  assert.ok(await done(), `not reached within ${max} ledgers`)
}
