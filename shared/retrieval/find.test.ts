// findProviders on a real ledger with a real market (2-8 KiB sectors, real seal proofs): of a
// deal's three providers, the one whose replica is active comes first, the sealing one second, and
// the one that has not pre-committed (it may not hold the data yet) is not listed; each listed
// peer id is the one that provider's own ask named, and a CID nobody stored has no holder.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { askOp, dealOp, onboard, preCommit, publish, STD_ASK } from '../market/test/flows.ts'
import { MarketNet } from '../market/test/net.ts'
import { createRng } from '../util/prng.ts'
import { findProviders } from './find.ts'

const PEERS = [
  '12D3KooWAfPDpPRRRBrmqy9is2zjU5srQ4hKuZitiGmh4NTTpS2d',
  '12D3KooWBhTrWr9CEp9kNtsdLqnYgTWbGJd7RrP9AmD2jL5bS7Tw',
  '12D3KooWCZ3Tgp4K6YLmq5Vb6VCYMn2Xt6ZqD4hR8nQW5aT9pE1L',
]

test('the providers holding a CID: active replica first, then sealing; proposed ones and other CIDs left out', async () => {
  const net = new MarketNet()
  const [client, p0, p1, p2] = [testKey(400), testKey(401), testKey(402), testKey(403)]
  await net.fund([client, p0, p1, p2], watt(1000))
  const provs = [p0, p1, p2]
  await net.close(
    provs.map((p, i) => [
      p,
      [
        { type: 'addCollateral', amount: 10_000_000n },
        { ...askOp(STD_ASK), peer: PEERS[i] },
      ] as never,
    ]),
  )
  const piece = createRng(4).bytes(4096)
  // listed in the deal as p2, p1, p0: the order of the answer must come from the states
  const op = dealOp(net, piece, [p2, p1, p0])
  const deal = await publish(net, client, op)
  await onboard(net, p0, { deal, replica: 2, sectorNumber: 0 }, piece)
  await preCommit(net, p1, { deal, replica: 1, sectorNumber: 0 }, piece)

  const found = findProviders(net.state, op.cid)
  assert.deepEqual(
    found.map((h) => [h.peer, h.provider, h.replica, h.state]),
    [
      [PEERS[0], p0.address, 2, 'active'],
      [PEERS[1], p1.address, 1, 'sealing'],
    ],
  )
  assert.ok(found.every((h) => h.deal === deal))
  assert.deepEqual(
    findProviders(net.state, 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'),
    [],
  )
})
