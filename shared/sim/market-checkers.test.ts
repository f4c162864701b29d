// The market checkers can fail: a real deal closed on a test market chain (shared/market/test) is
// fed ledger by ledger to the checker, which must pass it as it is and report each corruption: a
// window paid while the checker never saw its proof applied, and replica, provider and held
// records edited after the fact.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { applyChanges, type TxResult } from '../ledger/apply.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { openDraft } from '../ledger/draft.ts'
import { MODULE_HELD_KEY } from '../ledger/money.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import type { LedgerState } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import type { CheckedTx } from '../ledger/tx-set.ts'
import { windowDeadline, windowPosition } from '../market/binding.ts'
import { marketModule } from '../market/module.ts'
import { getProvider, getReplica, MARKET, putProvider, putReplica } from '../market/store.ts'
import { dealOp, offer, onboard, proveDue, publish } from '../market/test/flows.ts'
import { MarketNet } from '../market/test/net.ts'
import { createRng } from '../util/prng.ts'
import { describeViolation } from './checkers.ts'
import { type AppliedLedger, MarketChecker } from './market-checkers.ts'

const R = marketModule.readers

/** A market chain that keeps every closed ledger as the checker reads it. */
class RecordingNet extends MarketNet {
  readonly applied: AppliedLedger[] = []

  override async close(txs: readonly [TestKey, Operation[]][] = []): Promise<TxResult[]> {
    const results = await super.close(txs)
    const checked = txs.map(
      ([key, ops], i) =>
        ({ id: results[i]!.tx, source: key.address, tx: { body: { ops } } }) as unknown as CheckedTx,
    )
    this.applied.push({ state: this.state, txs: checked, results })
    return results
  }
}

/** One provider's replica, sealed, its first window proven and settled (paid one share). */
const provenDeal = async () => {
  const net = new RecordingNet()
  const [client, provider] = [testKey(700), testKey(701)]
  await net.fund([client, provider], watt(1000))
  await offer(net, [provider], 10_000_000n)
  const piece = createRng(7).bytes(3000)
  const id = await publish(net, client, dealOp(net, piece, [provider], { periods: 2 }))
  const sealed = await onboard(net, provider, { deal: id, replica: 0, sectorNumber: 1 }, piece)
  const first = R.sector(net.state, provider.address, 1)!.firstPeriod
  assert.equal(await proveDue(net, provider, first, [sealed]), '')
  await net.closeUntil(windowDeadline(net.params, first, windowPosition(net.params, 1)))
  const rep = R.deal(net.state, id)!.replicaList[0]!
  assert.equal(rep.windows, 1)
  assert.ok(rep.paid > 0n, 'the window was paid')
  return { net, id, provider }
}

/** Feeds every ledger to a fresh checker; the first violation. */
const feed = (ledgers: readonly AppliedLedger[]) => {
  const c = new MarketChecker()
  for (const l of ledgers) {
    const v = c.closed(0, l, 0)
    if (v !== undefined) return { v, c }
  }
  return { v: undefined, c }
}

/** `s` with its entries edited through a draft. */
const edited = (net: MarketNet, s: LedgerState, edit: (d: LedgerDraft) => void): LedgerState => {
  const info = {
    seq: s.header.seq,
    closeTimeMs: 0,
    dayIndex: 0,
    config: net.env.config,
    prevHeader: s.headerCid.bytes,
  }
  const c = openDraft(s.tree, info)
  edit(c.draft)
  return { ...s, tree: applyChanges(s.tree, c.changes()) }
}

test('the checker passes a real deal ledger by ledger, and reports a window paid without a proof it saw', async () => {
  const { net, id } = await provenDeal()
  assert.equal(feed(net.applied).v, undefined)
  // the same ledgers with the window proof taken out of what was applied: a payment without proof
  const withheld = net.applied.map((l) => ({
    ...l,
    txs: l.txs.filter((t) => !t.tx.body.ops.some((o) => o.type === 'submitWindowPost')),
  }))
  const { v } = feed(withheld)
  assert.equal(v?.code, 'market_paid')
  assert.ok(v?.code === 'market_paid' && v.deal === id && v.proven === '0', JSON.stringify(v))
  assert.match(describeViolation(v), /was paid \d+, its proven windows are worth 0/)
})

test('edited records are reported: extra pay, escrow beyond the deal, earnings and held balance', async () => {
  const { net, id, provider } = await provenDeal()
  const { c } = feed(net.applied)
  const at = { seq: net.seq, node: 0, at: 0 }
  const s = net.state
  const rep = (d: LedgerDraft) => getReplica(d, id, 0)!
  const cases: [string, (d: LedgerDraft) => void][] = [
    [
      'market_paid',
      (d) => putReplica(d, id, 0, { ...rep(d), paid: rep(d).paid + 1n, escrow: rep(d).escrow - 1n }),
    ],
    ['market_client', (d) => putReplica(d, id, 0, { ...rep(d), escrow: rep(d).escrow + 1n })],
    ['market_client', (d) => putReplica(d, id, 0, { ...rep(d), state: 'expired' })],
    [
      'market_earned',
      (d) => putProvider(d, provider.address, { ...getProvider(d, provider.address), earned: 1n }),
    ],
    ['market_held', (d) => d.putData(MARKET, MODULE_HELD_KEY, R.held(s) + 1n)],
    [
      'market_held',
      (d) => putProvider(d, provider.address, { ...getProvider(d, provider.address), free: 0n }),
    ],
  ]
  assert.equal(c.check(s, at), undefined)
  for (const [code, edit] of cases) assert.equal(c.check(edited(net, s, edit), at)?.code, code)
})
