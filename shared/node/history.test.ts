// Catch-up beyond the memory archive: validators that keep only 4 ledgers in memory but persist
// every closed ledger with its EXTERNALIZE proof (the history port) bring a watcher that joins
// about 20 ledgers late all the way up; without the history port the same watcher cannot catch up.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nobleSigner } from '../crypto/noble.ts'
import type { LedgerHistory } from './catchup.ts'
import type { ArchivedLedger } from './messages.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 3)

const lateWatcher = async (withHistory: boolean) => {
  const net = createTestNet(4, seed)
  const stores = Array.from({ length: 4 }, () => new Map<number, ArchivedLedger>())
  for (let i = 0; i < 4; i++) {
    const history: LedgerHistory = {
      load: async (seq) => stores[i]!.get(seq),
      save: async (l) => {
        stores[i]!.set(l.seq, l)
      },
    }
    net.makeNode(i, { init: { archiveLimit: 4 }, ports: withHistory ? { history } : {} })
  }
  for (const n of net.nodes) await n!.start()
  await net.run(22_000)
  const watcher = net.makeNode(4, { isValidator: false, signer: nobleSigner(net.rng.bytes(32)) })
  await watcher.start()
  await net.run(10_000)
  return { net, stores, watcher }
}

test(`a watcher 20 ledgers late catches up from persisted history (seed ${seed})`, async () => {
  const { net, stores, watcher } = await lateWatcher(true)
  // between its catch-ups a watcher trails by a ledger or two: up to 5 s more to draw level
  const behind = () => net.seqs()[4]! < Math.min(...net.seqs().slice(0, 4)) - 1
  for (let i = 0; i < 10 && behind(); i++) await net.run(500)
  const seqs = net.seqs()
  const low = Math.min(...seqs.slice(0, 4))
  assert.ok(low >= 28, `validators closed ${seqs}`)
  // what was persisted: every ledger but the newest, each with a quorum's EXTERNALIZEs
  for (let s = 2; s < low - 1; s++) {
    const l = stores[0]!.get(s)
    assert.ok(l, `ledger ${s} persisted`)
    assert.ok(l.externalizes.length >= net.quorumSet.threshold, `ledger ${s} proof: ${l.externalizes.length}`)
  }
  assert.ok(seqs[4]! >= low - 1, `watcher caught up: ${seqs}`)
  assert.ok((watcher.status().counters.caught_up ?? 0) >= 18, JSON.stringify(watcher.status().counters))
  assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
})

test(`without history the same watcher stays behind (control, seed ${seed})`, async () => {
  const { net, watcher } = await lateWatcher(false)
  assert.ok(Math.min(...net.seqs().slice(0, 4)) >= 28)
  assert.ok(watcher.current().header.seq < 5, `watcher at ${watcher.current().header.seq}`)
})
