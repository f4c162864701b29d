// The one RPC table: checked at compile time on both sides (`npm run typecheck` reads the
// expect-error directives below: each line after one must fail to compile, or typecheck fails),
// and at run time by the guards the core's server runs before any handler.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CORE_GUARDS } from '../core/core-api.ts'
import { MARKET_GUARDS } from '../market/market-api.ts'
import { MINING_GUARDS } from '../mining/mining-api.ts'
import { DAY_EXPORT_GUARDS } from '../node/day-export-api.ts'
import { LEDGER_GUARDS } from '../node/ledger-api.ts'
import { RETRIEVAL_GUARDS } from '../retrieval/retrieval-api.ts'
import { createRpcClient } from '../rpc/client.ts'
import { createRpcServer } from '../rpc/server.ts'
import { STORAGE_GUARDS } from '../storage/storage-api.ts'
import { WALLET_GUARDS } from '../wallet/wallet-api.ts'
import type { WalletView } from '../wallet/wallet-view.ts'
import { type CoreRpc, RPC_GUARDS, type RpcEvents, type RpcMethods } from './rpc-api.ts'

const PARTS = [
  CORE_GUARDS,
  LEDGER_GUARDS,
  DAY_EXPORT_GUARDS,
  WALLET_GUARDS,
  MINING_GUARDS,
  STORAGE_GUARDS,
  MARKET_GUARDS,
  RETRIEVAL_GUARDS,
]

test('every method is in exactly one part, and the table has every part', () => {
  const names = PARTS.flatMap((p) => Object.keys(p))
  assert.equal(new Set(names).size, names.length, 'a method name in two parts')
  assert.deepEqual(Object.keys(RPC_GUARDS).sort(), names.sort())
})

/** A connected server and client; the server has a wallet.send that echoes what it was handed. */
const connected = () => {
  const server = createRpcServer<RpcMethods, RpcEvents>(RPC_GUARDS)
  const seen: unknown[] = []
  server.register('wallet.send', (request) => {
    seen.push(request)
    return { id: `to ${request.to}` }
  })
  const channel = new MessageChannel()
  server.connect(channel.port1)
  const client: CoreRpc = createRpcClient<RpcMethods, RpcEvents>(channel.port2)
  const close = () => {
    channel.port1.close()
    channel.port2.close()
  }
  return { server, client, seen, close }
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; field?: string }) => `${e.code}:${e.field ?? ''}`,
  )

test('the server runs the guard first: a field of the wrong type is bad_params and no handler runs', async () => {
  const { client, seen, close } = connected()
  try {
    const good = await client.call('wallet.send', { to: 'W', amount: '1.5' })
    assert.equal(good.id, 'to W')
    assert.deepEqual(seen, [{ to: 'W', amount: '1.5' }])
    const untyped = client as unknown as { call(m: string, p?: unknown): Promise<unknown> }
    assert.equal(await codeOf(untyped.call('wallet.send', { to: 'W', amount: 1.5 })), 'bad_params:amount')
    assert.equal(await codeOf(untyped.call('wallet.send', 'W')), 'bad_params:params')
    assert.equal(await codeOf(untyped.call('wallet.send', { to: ['W'], amount: '1' })), 'bad_params:to')
    assert.equal(seen.length, 1, 'no handler saw a malformed request')
    assert.equal(await codeOf(untyped.call('wallet.sendAll', {})), 'unknown_method:')
    assert.equal(await codeOf(client.call('wallet.status')), 'unknown_method:', 'known but not registered')
  } finally {
    close()
  }
})

test('a wrong method name, request or response does not compile on either side', () => {
  const { server, client, close } = connected()
  close()
  const calls = () => {
    // @ts-expect-error wallet.send's amount is decimal text, not a number
    void client.call('wallet.send', { to: 'W', amount: 1 })
    // @ts-expect-error wallet.send takes a request
    void client.call('wallet.send')
    // @ts-expect-error no such method
    void client.call('wallet.sendAll', {})
    // @ts-expect-error ledger.recent's limit is a number
    void client.call('ledger.recent', { limit: '5' })
    void client.call('wallet.status').then((v: WalletView) => v.balance)
    // @ts-expect-error wallet.status answers a WalletView, not a number
    void client.call('wallet.status').then((v: number) => v)
    // @ts-expect-error the wallet event carries a WalletView
    client.on('wallet', (v: { seq: number }) => v)
  }
  const handlers = () => {
    // @ts-expect-error a handler answers the method's response
    server.register('storage.view', () => 42)
    // @ts-expect-error a handler reads only what its request has
    server.register('ledger.account', (r) => r.addresss)
    // @ts-expect-error an event's data is its declared type
    server.broadcast('snapshot', { peerId: 1 })
  }
  assert.equal(typeof calls, 'function')
  assert.equal(typeof handlers, 'function')
})
