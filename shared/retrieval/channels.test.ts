// Every retrieval operation on a real ledger (issue 15, item 3): a channel opened, topped up, paid
// to two servers by cumulative vouchers (one paid in part when the channel ran short, then the
// rest after a top-up), closed, redeemed in its dispute window and settled by the close step; a
// second channel settled at expiry without a close. Balances are worked by hand below (every
// transaction pays a fee of 100). Then every refusal code: the ledger closed with the refused
// operation and the same ledger closed empty have the same retrieval data, and the source paid
// only its fee.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import type { MarketNet } from '../market/test/net.ts'
import { retrievalModule } from './module.ts'
import {
  closeOp,
  FEE,
  fundOp,
  openOp,
  redeemOp,
  retrievalNet,
  signTest,
  type TestVoucher,
  voucherBytes,
} from './test/net.ts'

const R = retrievalModule.readers
const balance = (net: MarketNet, k: TestKey) => getAccount(net.state, k.address)!.balance
const [client, s1, s2, s3, s4, poor, c2, c3] = [720, 721, 722, 723, 724, 725, 726, 727].map(
  testKey,
) as TestKey[] as [TestKey, TestKey, TestKey, TestKey, TestKey, TestKey, TestKey, TestKey]
const START = 100_000n

const setup = async (over = {}) => {
  const net = retrievalNet(over)
  await net.fund([client, s1, s2, s3, s4, c2, c3], START as never)
  await net.fund([poor], 5_000n as never)
  return net
}

/** The next ledger's sequence number: the one an operation sent now applies in. */
const next = (net: MarketNet) => net.seq + 1

const redeem = (net: MarketNet, by: TestKey, v: TestVoucher, channel = v.channel) =>
  net.op(by, redeemOp(channel, v))

test('a channel pays two servers by cumulative vouchers, is closed, redeemed in its window and settled', async () => {
  const net = await setup()
  const L1 = next(net)
  assert.equal(await net.op(client, openOp(10_000n, L1 + 30)), '')
  assert.equal(balance(net, client), 89_900n)
  assert.deepEqual(R.channel(net.state, 0), {
    id: 0,
    client: client.address,
    funded: 10_000n,
    balance: 10_000n,
    opened: L1,
    expires: L1 + 30,
    end: L1 + 33,
    closedAt: -1,
    payees: {},
  })
  const L2 = next(net)
  assert.equal(await net.op(client, openOp(2_000n, L2 + 12)), '', 'a second channel, id 1')
  assert.deepEqual(
    R.channelsByClient(net.state, client.address).map((c) => c.id),
    [0, 1],
  )
  assert.equal(R.openChannels(net.state), 2)
  assert.equal(await net.op(client, fundOp(0, 5_000n)), '')
  assert.equal(balance(net, client), 82_700n)
  assert.equal(R.held(net.state), 17_000n)

  assert.equal(await redeem(net, s1, await signTest(client, 0, s1, 3_000n)), '')
  assert.equal(await redeem(net, s1, await signTest(client, 0, s1, 4_500n)), '', 'pays the increase: 1,500')
  assert.equal(balance(net, s1), START - 2n * FEE + 4_500n)
  assert.equal(R.redeemed(net.state, 0, s1.address), 4_500n)
  const big = await signTest(client, 0, s2, 20_000n)
  assert.equal(await redeem(net, s2, big), '', 'over-signed: pays the 10,500 left')
  assert.equal(R.channel(net.state, 0)!.balance, 0n)
  assert.equal(R.redeemed(net.state, 0, s2.address), 10_500n)
  assert.equal(await net.probe(s2, redeemOp(0, big), 'retrieval'), 'channel_empty')
  assert.equal(await net.op(client, fundOp(0, 10_000n)), '')
  assert.equal(await redeem(net, s2, big), '', 'the same voucher again after the top-up: the 9,500 still due')
  assert.equal(balance(net, s2), START - 3n * FEE + 20_000n)
  assert.equal(R.channel(net.state, 0)!.balance, 500n)

  const C = next(net)
  assert.equal(await net.op(client, closeOp(0)), '')
  assert.equal(R.channel(net.state, 0)!.closedAt, C)
  assert.equal(R.channel(net.state, 0)!.end, C + 3, 'the window: settleLedgers after the close')
  assert.equal(await redeem(net, s1, await signTest(client, 0, s1, 4_800n)), '', 'in the window: 300')
  assert.equal(balance(net, s1), START - 3n * FEE + 4_800n)
  await net.closeUntil(C + 2)
  assert.equal(R.channel(net.state, 0)!.balance, 200n, 'not settled before its end')
  await net.closeUntil(C + 3)
  assert.equal(R.channel(net.state, 0), undefined, 'settled at its end')
  assert.deepEqual(net.ledgers.at(-1)!.header.moduleTotals.retrieval, {
    channelsSettled: 1n,
    reclaimed: 200n,
  })
  // 100,000 - 5 fees - 10,000 - 2,000 - 5,000 - 10,000 + 200
  assert.equal(balance(net, client), 72_700n)
  assert.equal(R.openChannels(net.state), 1)
  assert.equal(R.held(net.state), 2_000n)
  assert.equal(
    await net.probe(s1, redeemOp(0, await signTest(client, 0, s1, 4_900n)), 'retrieval'),
    'unknown_channel',
  )

  await net.closeUntil(L2 + 14)
  assert.equal(R.channel(net.state, 1)!.balance, 2_000n, 'expired, in its window')
  await net.closeUntil(L2 + 15)
  assert.equal(R.channel(net.state, 1), undefined, 'settled at expiry + settleLedgers, no close needed')
  assert.equal(balance(net, client), 74_700n)
  assert.equal(R.held(net.state), 0n)
  assert.equal(R.openChannels(net.state), 0)
  assert.deepEqual(R.channelsByClient(net.state, client.address), [])
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

/** Probes a refused operation: its code, nothing of the module changed, only the fee was paid. */
const refused = async (net: MarketNet, by: TestKey, op: Record<string, unknown>, code: string, why = '') => {
  const before = balance(net, by)
  const held = R.held(net.state)
  assert.equal(await net.probe(by, op, 'retrieval'), code, why)
  assert.equal(balance(net, by), before - FEE, `${code}: only the fee`)
  assert.equal(R.held(net.state), held)
}

test('openChannel refusals: amount, expiry bounds, funds, limits per client and network', async () => {
  const net = await setup()
  await refused(net, client, openOp(999n, next(net) + 10), 'bad_channel', 'below minChannelAmount')
  await refused(net, client, openOp(0n, next(net) + 10), 'bad_channel')
  await refused(net, client, openOp(1_000n, next(net) + 1), 'bad_channel', 'shorter than minChannelLedgers')
  await refused(net, client, openOp(1_000n, next(net) + 41), 'bad_channel', 'longer than maxChannelLedgers')
  await refused(net, poor, openOp(5_000n, next(net) + 10), 'insufficient_balance', 'the fee leaves 4,900')
  assert.equal(await net.op(client, openOp(1_000n, next(net) + 40)), '', 'longest life')
  assert.equal(await net.op(client, openOp(1_000n, next(net) + 20)), '')
  assert.equal(await net.op(client, openOp(1_000n, next(net) + 20)), '')
  await refused(net, client, openOp(1_000n, next(net) + 20), 'channel_limit', 'maxChannelsPerClient')
  assert.equal(await net.op(c2, openOp(1_000n, next(net) + 20)), '')
  assert.equal(await net.op(c2, openOp(1_000n, next(net) + 20)), '')
  assert.equal(await net.op(c3, openOp(1_000n, next(net) + 20)), '')
  await refused(net, c3, openOp(1_000n, next(net) + 20), 'channel_limit', 'maxOpenChannels')
  assert.equal(R.openChannels(net.state), 6)
  assert.equal(await net.op(client, closeOp(0)), '')
  await net.closeUntil(R.channel(net.state, 0)!.end)
  assert.equal(R.openChannels(net.state), 5, 'a settled channel frees its slot')
  assert.equal(await net.op(c3, openOp(1_000n, next(net) + 2)), '', 'shortest life')
  assert.equal(R.channel(net.state, 6)!.client, c3.address, 'ids are never reused')
})

test('fundChannel and closeChannel refusals: unknown, not the owner, zero, funds, closing or expired', async () => {
  const net = await setup({ settleLedgers: 20 })
  const E = next(net) + 20
  assert.equal(await net.op(client, openOp(1_000n, E)), '')
  assert.equal(await net.op(client, openOp(1_000n, next(net) + 30)), '')
  await refused(net, client, fundOp(9, 1_000n), 'unknown_channel')
  await refused(net, s1, fundOp(0, 1_000n), 'not_owner')
  await refused(net, client, fundOp(0, 0n), 'bad_channel')
  await refused(net, client, fundOp(0, 1_000_000n), 'insufficient_balance')
  await refused(net, client, closeOp(9), 'unknown_channel')
  await refused(net, s1, closeOp(0), 'not_owner')
  assert.equal(await net.op(client, closeOp(1)), '')
  await refused(net, client, closeOp(1), 'channel_closing', 'closed twice')
  await refused(net, client, fundOp(1, 1_000n), 'channel_closing', 'a closed channel takes no more')
  await net.closeUntil(E - 1)
  assert.equal(await net.op(client, fundOp(0, 500n)), '', 'in its expiry ledger')
  await refused(net, client, fundOp(0, 500n), 'channel_closing', 'expired: in its window')
  await refused(net, client, closeOp(0), 'channel_closing', 'expired: closing changes nothing')
  assert.equal(R.channel(net.state, 0)!.funded, 1_500n)
})

test('redeem refusals: wrong channel or payee, forged, replayed, payee limit, empty, unknown', async () => {
  const net = await setup()
  assert.equal(await net.op(client, openOp(10_000n, next(net) + 30)), '')
  assert.equal(await net.op(c2, openOp(10_000n, next(net) + 30)), '')
  const v = await signTest(client, 0, s1, 1_000n)
  const sign = (amount: bigint, network?: string) => signTest(client, 0, s1, amount, network)
  /** [submitter, channel named, voucher, code, why]: s1 is the payee unless said otherwise. */
  type Case = [TestKey, number, TestVoucher, string, string]
  const before: Case[] = [
    [s1, 1, v, 'wrong_channel', 'a voucher of channel 0 sent as 1'],
    [s1, 5, { ...v, channel: 5 }, 'unknown_channel', 'never opened'],
    [s2, 0, v, 'wrong_payee', "another server's voucher"],
    [s1, 0, await signTest(s1, 0, s1, 1_000n), 'voucher_signature', 'self-signed'],
    [s1, 1, await signTest(client, 1, s1, 1_000n), 'voucher_signature', "another client's channel"],
    [s1, 0, await sign(1_000n, 'watt-other'), 'voucher_signature', 'another network'],
    [s1, 0, { ...v, amount: 1_001n }, 'voucher_signature', 'amount raised'],
    [s1, 0, await sign(0n), 'voucher_replay', 'nothing owed'],
  ]
  for (const [by, channel, voucher, code, why] of before)
    await refused(net, by, redeemOp(channel, voucher), code, why)
  assert.equal(await redeem(net, s1, v), '')
  const after: Case[] = [
    [s1, 0, v, 'voucher_replay', 'the same voucher again'],
    [s1, 0, await sign(999n), 'voucher_replay', 'an older voucher'],
    [s1, 0, { ...v, amount: 999n }, 'voucher_replay', 'checked before the signature'],
  ]
  for (const [by, channel, voucher, code, why] of after)
    await refused(net, by, redeemOp(channel, voucher), code, why)
  assert.equal(await redeem(net, s2, await signTest(client, 0, s2, 1_000n)), '')
  assert.equal(await redeem(net, s3, await signTest(client, 0, s3, 1_000n)), '')
  await refused(net, s4, redeemOp(0, await signTest(client, 0, s4, 1_000n)), 'payee_limit', 'a fourth payee')
  assert.equal(
    await redeem(net, s1, await signTest(client, 0, s1, 8_000n)),
    '',
    'known payees still redeem: 7,000',
  )
  assert.equal(R.channel(net.state, 0)!.balance, 0n)
  await refused(net, s2, redeemOp(0, await signTest(client, 0, s2, 2_000n)), 'channel_empty')
  assert.deepEqual(R.channel(net.state, 0)!.payees, {
    [s1.address]: 8_000n,
    [s2.address]: 1_000n,
    [s3.address]: 1_000n,
  })
})

test('redeem: at most maxRedeemsPerLedger apply per ledger; refused ones do not count', async () => {
  const net = await setup()
  assert.equal(await net.op(client, openOp(10_000n, next(net) + 30)), '')
  // one source's transactions apply in sequence order: the forged one first, then 100 to 500
  const forged = await signTest(s2, 0, s1, 50n)
  const txs: [TestKey, Record<string, unknown>[]][] = [[s1, [redeemOp(0, forged)]]]
  for (const amount of [100n, 200n, 300n, 400n, 500n])
    txs.push([s1, [redeemOp(0, await signTest(client, 0, s1, amount))]])
  const results = await net.close(txs as never)
  const codes = results.map((r) => (r.ok ? '' : r.code))
  assert.deepEqual(codes, ['voucher_signature', '', '', '', '', 'ledger_busy'])
  assert.equal(R.redeemed(net.state, 0, s1.address), 400n)
  assert.equal(
    await redeem(net, s1, await signTest(client, 0, s1, 500n)),
    '',
    'the next ledger has a new budget',
  )
})

test('parsers: exact shapes, and a voucher that does not decode is malformed', () => {
  const parse = (type: string, raw: Record<string, unknown>) => {
    const h = retrievalModule.operations.find((o) => o.type === type)!
    const r = h.parse(raw)
    return r.ok ? 'ok' : `${r.error.code}/${String(r.error.field ?? '')}`
  }
  assert.equal(parse('openChannel', { type: 'openChannel', amount: 1n, expires: 3 }), 'ok')
  assert.equal(parse('openChannel', { type: 'openChannel', amount: 1n, expires: 3, x: 1 }), 'malformed/')
  assert.equal(parse('openChannel', { type: 'openChannel', amount: -1n, expires: 3 }), 'malformed/amount')
  assert.equal(parse('fundChannel', { type: 'fundChannel', channel: 1.5, amount: 1n }), 'malformed/channel')
  assert.equal(parse('closeChannel', { type: 'closeChannel' }), 'malformed/')
  const v = { channel: 0, payee: s1.pk, amount: 5n, sig: new Uint8Array(64) }
  assert.equal(parse('redeem', redeemOp(0, v)), 'ok')
  assert.equal(
    parse('redeem', { type: 'redeem', channel: 0, voucher: voucherBytes(v).subarray(1) }),
    'malformed/voucher',
  )
  assert.equal(
    parse('redeem', { type: 'redeem', channel: 0, voucher: new Uint8Array(193) }),
    'malformed/voucher',
  )
  assert.equal(parse('redeem', { type: 'redeem', channel: 0, voucher: 'ab' }), 'malformed/voucher')
})
