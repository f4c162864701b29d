// Chain-backed catch-up: a ledger whose EXTERNALIZEs are too few for this node's slices (the
// nodes that confirmed it caught up instead of externalizing) is taken only when a later ledger
// of the same answer passes on its own and the thin one, closed in a dry run, chains into it.
// A thin ledger alone, or one whose content differs from what the verified ledger builds on,
// changes nothing. (Found by the soak: seed 450 of `npm run soak`, a leaf of a tiered network.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { nodeSigner } from '../ledger/test/node-ed25519.ts'
import type { LedgerHistory } from './catchup.ts'
import { type ArchivedLedger, encodeMessage } from './messages.ts'
import { createTestNet } from './test/net.ts'
import { decodeLedgerValue, encodeLedgerValue } from './value.ts'

const seed = Number(process.env.SEED ?? 1450)

/** Four validators closing for 6 s; node 0's archive as saved, the fullest proof of each seq. */
const archivedLedgers = async () => {
  const net = createTestNet(4, seed)
  const saved = new Map<number, ArchivedLedger>()
  const history: LedgerHistory = {
    load: async () => undefined,
    save: async (l) => {
      if (l.externalizes.length >= (saved.get(l.seq)?.externalizes.length ?? 0)) saved.set(l.seq, l)
    },
  }
  for (let i = 0; i < 4; i++) net.makeNode(i, { ports: i === 0 ? { history } : {} })
  for (const n of net.nodes) await n!.start()
  await net.run(6_000)
  return { net, saved }
}

/** A watcher that has closed nothing and reads the catch-up answers the test hands it. */
const lateWatcher = async (net: Awaited<ReturnType<typeof archivedLedgers>>['net'], index: number) => {
  const w = net.makeNode(index, { isValidator: false, signer: nodeSigner(net.rng.bytes(32)) })
  net.offline.add(index)
  await w.start() // it asks for catch-up, so answers are read
  return w
}

const answer = (ledgers: ArchivedLedger[]) => encodeMessage({ type: 'catchup-res', ledgers })

test(`a thin ledger is caught up through the verified ledger after it, never alone (seed ${seed})`, async () => {
  const { net, saved } = await archivedLedgers()
  const [two, three] = [saved.get(2)!, saved.get(3)!]
  assert.ok(two.externalizes.length >= 3 && three.externalizes.length >= 3, 'node 0 archived 2 and 3')
  const thin: ArchivedLedger = { ...two, externalizes: two.externalizes.slice(0, 1) }

  const alone = await lateWatcher(net, 4)
  await alone.receive('ledger', answer([thin]), 'peer')
  assert.equal(alone.current().header.seq, 1, 'one EXTERNALIZE of four is no proof')
  assert.equal(alone.status().counters.catchup_rejected_no_quorum, 1)

  const backed = await lateWatcher(net, 5)
  await backed.receive('ledger', answer([thin, three]), 'peer')
  assert.equal(backed.current().header.seq, 3, 'ledger 3 vouches for ledger 2 through its tx set')
  assert.equal(backed.status().counters.caught_up_chain_backed, 1)
  // the header it reached is the one the network built ledger 4 on
  assert.equal(cidString(backed.current().headerCid), cidString(saved.get(4)!.set.prevHeader))
})

test(`a thin ledger that is not the one the verified ledger builds on changes nothing (seed ${seed})`, async () => {
  const { net, saved } = await archivedLedgers()
  const [two, three] = [saved.get(2)!, saved.get(3)!]
  // ledger 2 with another close time: its own header differs, so ledger 3's tx set does not
  // name it; it carries no EXTERNALIZE (any of the real ones would name the real value)
  const real = decodeLedgerValue(two.value)!
  const other = encodeLedgerValue({ ...real, closeTimeMs: real.closeTimeMs + 1 })
  const forged: ArchivedLedger = { ...two, value: other, externalizes: [] }
  const w = await lateWatcher(net, 4)
  await w.receive('ledger', answer([forged, three]), 'liar')
  assert.equal(w.current().header.seq, 1, 'nothing applied')
  assert.equal(w.status().counters.caught_up_chain_backed ?? 0, 0)
  // the real ledgers still catch it up
  await w.receive('ledger', answer([two, three]), 'honest')
  assert.equal(w.current().header.seq, 3)
})
