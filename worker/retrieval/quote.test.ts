// The quote before a fetch: each holder asked its terms once; the cheapest total worked out here by
// hand from the prices and sizes the fake holders state; a holder that is away or answers junk is
// left out; nothing is fetched.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MemoryNet } from '../market/test-devices.ts'
import { memoryNet } from '../market/test-devices.ts'
import { quoteHolders } from './quote.ts'
import { encodeRetrieveAnswer, RETRIEVE_PROTOCOL, type RetrieveAnswer } from './retrieve-wire.ts'

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const PAYEE = new Uint8Array(32).fill(7)

const holder = (
  peers: MemoryNet,
  peer: string,
  answer: RetrieveAnswer | 'junk' | 'silent',
  asked: string[],
) =>
  peers.set(`${peer} ${RETRIEVE_PROTOCOL}`, async () => {
    asked.push(peer)
    if (answer === 'silent') return new Promise<Uint8Array>(() => {})
    return answer === 'junk' ? new Uint8Array([1, 2, 3]) : encodeRetrieveAnswer(answer)
  })

test('the quote lists the holders that answered and the cheapest whole-DAG total among them', async () => {
  const peers = new Map() as MemoryNet
  const asked: string[] = []
  holder(peers, 'P1', { t: 'ask', pricePerByte: '3', interval: 1 << 20, payee: PAYEE, size: 1000 }, asked)
  holder(peers, 'P2', { t: 'ask', pricePerByte: '2', interval: 1 << 20, payee: PAYEE, size: 1600 }, asked)
  holder(peers, 'C1', { t: 'ask', pricePerByte: '1', interval: 1 << 20, payee: PAYEE }, asked) // no size
  holder(peers, 'J', 'junk', asked)
  holder(peers, 'S', 'silent', asked)
  const q = await quoteHolders(memoryNet(peers, 'ME'), 100, CID, [
    { peer: 'P1', kind: 'provider' },
    { peer: 'P2', kind: 'provider' },
    { peer: 'C1', kind: 'cache' },
    { peer: 'J', kind: 'cache' },
    { peer: 'S', kind: 'cache' },
    { peer: 'AWAY', kind: 'provider' },
  ])
  assert.deepEqual(asked.sort(), ['C1', 'J', 'P1', 'P2', 'S'])
  assert.deepEqual(
    q.holders.map((h) => [h.peer, h.kind, h.pricePerByte]),
    [
      ['P1', 'provider', '3'],
      ['P2', 'provider', '2'],
      ['C1', 'cache', '1'],
    ],
  )
  // 3 x 1000 = 3000 against 2 x 1600 = 3200; C1's total is unknown without a size
  assert.equal(q.cheapest, '3000')
  assert.equal(q.size, 1000)
})

test('a free holder makes the quote free; no priced size and no free holder leaves the total unknown', async () => {
  const peers = new Map() as MemoryNet
  const asked: string[] = []
  holder(peers, 'F', { t: 'ask', pricePerByte: '0', interval: 1 << 20 }, asked)
  holder(peers, 'P', { t: 'ask', pricePerByte: '5', interval: 1 << 20, payee: PAYEE, size: 10 }, asked)
  holder(peers, 'N', { t: 'ask', pricePerByte: '5', interval: 1 << 20, payee: PAYEE }, asked)
  const net = memoryNet(peers, 'ME')
  const both = await quoteHolders(net, 100, CID, [
    { peer: 'P', kind: 'provider' },
    { peer: 'F', kind: 'cache' },
  ])
  assert.equal(both.cheapest, '0')
  const unknown = await quoteHolders(net, 100, CID, [{ peer: 'N', kind: 'cache' }])
  assert.equal(unknown.cheapest, undefined)
  const nobody = await quoteHolders(net, 100, CID, [])
  assert.deepEqual(nobody, { cid: CID, holders: [] })
})
