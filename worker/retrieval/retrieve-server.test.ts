// The serving end and the hooks around it: junk is `bad_message`, an unknown CID `not_found`, a
// peer over its share `busy` while another peer is still served; the byte counter per peer is the
// bytes of the blocks it was sent; the payment hooks see what they must (each voucher pays for
// exactly the bytes verified so far, which an honest server has served), and a server that asks
// for payment the client does not make drops out of the fetch; a fetch with no holder, of a file
// above the limit, or of a CID that does not parse, fails with its code.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromUtf8, utf8 } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { MemoryNet } from '../market/test-devices.ts'
import type { RetrievalPayments, ServerPayments } from './payments.ts'
import { createRetrievalServer, MAX_REQUESTS_PER_PEER } from './retrieve-server.ts'
import { decodeRetrieveAnswer, encodeRetrieveRequest } from './retrieve-wire.ts'
import { holderDevice, referenceFile } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`retrieve-server tests seed=${seed} (replay with SEED=${seed})`)

test('junk, an unknown CID and a peer over its share are refused; another peer is still served', async () => {
  const f = await referenceFile(createRng(seed).bytes(100_000), 10_000, 4)
  let release = () => {}
  const gate = new Promise<void>((r) => (release = r))
  const byCid = new Map(f.blocks.map((b) => [b.cid, b.bytes]))
  const server = createRetrievalServer({
    getBlock: async (cid) => {
      await gate
      return byCid.get(cid)
    },
  })
  const ask = (peerId: string, cid = f.root) =>
    server.onRequest({ peerId, data: encodeRetrieveRequest({ cid, from: 0 }) }).then(decodeRetrieveAnswer)
  const junk = await server.onRequest({ peerId: 'x', data: new Uint8Array([0xa1, 0x61]) })
  assert.deepEqual(decodeRetrieveAnswer(junk), { t: 'refused', code: 'bad_message' })
  const held = Array.from({ length: MAX_REQUESTS_PER_PEER }, () => ask('greedy'))
  assert.deepEqual(await ask('greedy'), { t: 'refused', code: 'busy' })
  const other = ask('polite')
  release()
  for (const a of [...(await Promise.all(held)), await other]) assert.equal(a?.t, 'blocks')
  const unknown = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
  assert.deepEqual(await ask('polite', unknown), { t: 'refused', code: 'not_found' })
  // the first answer's blocks: root, then 4 leaves (10 kB each) and so on while they fit in 1 MiB
  const first = await ask('counted')
  assert.ok(first?.t === 'blocks')
  assert.deepEqual(
    first.blocks.map((b) => b.length),
    f.blocks.map((b) => b.bytes.length),
  )
  assert.equal(first.done, true)
  assert.equal(
    server.served('counted'),
    f.blocks.reduce((n, b) => n + b.bytes.length, 0),
  )
})

/** Vouchers that name the bytes they pay for; the server lets a peer run `credit` bytes ahead. */
const textPayments = (credit: number) => {
  const accepted: Array<[paid: number, served: number]> = []
  /** Each server counts what it served each peer. */
  const server = (): ServerPayments => {
    const served = new Map<string, number>()
    return {
      ask: async () => ({ pricePerByte: 0n, interval: credit }),
      served: (peer, _cid, bytes) => void served.set(peer, (served.get(peer) ?? 0) + bytes),
      async accept(peer, cid, voucher) {
        const paid = voucher ? Number(fromUtf8(voucher).slice(5)) : 0
        const s = served.get(peer) ?? 0
        if (cid !== undefined) accepted.push([paid, s])
        return s - paid > credit ? { ok: false, code: 'payment_required' } : { ok: true }
      },
    }
  }
  const payments: RetrievalPayments = {
    session: () => ({
      priced: () => ({ ok: true }),
      ready: async () => ({ ok: true }),
      voucherFor: async (_server, bytes) => utf8(`paid ${bytes}`),
    }),
    server: server(),
  }
  return { payments, accepted, server }
}

test('each voucher pays for exactly the bytes verified so far; an unpaid server drops out', async () => {
  const f = await referenceFile(createRng(seed + 1).bytes(1_500_000), 64 << 10, 6)
  const { payments, accepted, server } = textPayments(0)
  const peers = new Map() as MemoryNet
  const a = holderDevice(peers, 'A', { server: { payments: server() } })
  const b = holderDevice(peers, 'B', { server: { payments: server() } })
  const c = holderDevice(peers, 'C', { fetcher: { payments } })
  await a.hold(f)
  await b.hold(f)
  const res = await c.fetch({ cid: f.root, servers: ['A', 'B'] })
  assert.ok(res.ok)
  assert.ok(accepted.length > 2)
  for (const [paid, served] of accepted) assert.equal(paid, served, 'the client paid for all it was served')

  // a client that pays nothing gets the first answer of each server, then is refused
  const stingy: RetrievalPayments = {
    ...payments,
    session: () => ({ ...payments.session(''), voucherFor: async () => undefined }),
  }
  const d = holderDevice(peers, 'D', { fetcher: { payments: stingy } })
  const refused = await d.fetch({ cid: f.root, servers: ['A', 'B'] })
  assert.ok(!refused.ok)
  assert.equal(refused.error.code, 'all_failed')
  for (const s of refused.error.servers ?? [])
    assert.deepEqual(s.fault, { code: 'refused', reason: 'payment_required' })
})

test('no holder, a file above the limit and a CID that does not parse fail with their codes', async () => {
  const f = await referenceFile(createRng(seed + 2).bytes(300_000), 64 << 10, 6)
  const peers = new Map() as MemoryNet
  const a = holderDevice(peers, 'A')
  await a.hold(f)
  const c = holderDevice(peers, 'C', { fetcher: { maxBytes: 299_999 } })
  const codes = async (p: ReturnType<typeof c.fetch>) => {
    const r = await p
    return r.ok ? 'ok' : r.error.code
  }
  assert.equal(await codes(c.fetch({ cid: f.root, servers: [] })), 'no_holder')
  assert.equal(await codes(c.fetch({ cid: 'not a cid', servers: ['A'] })), 'bad_cid')
  const big = await c.fetch({ cid: f.root, servers: ['A'] })
  assert.ok(!big.ok)
  assert.deepEqual([big.error.code, big.error['size'], big.error['limit']], ['too_large', 300_000, 299_999])
  const lonely = holderDevice(peers, 'L')
  assert.equal(await codes(lonely.fetch({ cid: f.root, servers: ['nobody'] })), 'all_failed')
  // a file already whole in the local store needs no holder at all
  const e = holderDevice(peers, 'E')
  await e.hold(f)
  assert.equal(await codes(e.fetch({ cid: f.root, servers: [] })), 'ok')
})
