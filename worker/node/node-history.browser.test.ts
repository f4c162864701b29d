// The consensus node's durable history against real IndexedDB in Chromium: proofs saved per
// ledger come back joined with the ledger store's tx set, retention drops the oldest, a ledger
// the ledger store lacks is not served, and the own-envelope record survives a reopen.
import { resolve } from 'node:path'
import { expect, test } from '@playwright/test'

test('node history: proofs with retention, own envelopes across a reopen', async ({ page }) => {
  await page.goto('/harness.html')
  const path = `/@fs${resolve('worker/node/node-history.ts')}`
  const check = () =>
    page.evaluate(async (p) => {
      const { openNodeHistory } = await import(/* @vite-ignore */ p)
      const network = `h-${Math.random().toString(36).slice(2)}`
      const txSet = (seq: number) => ({ prevHeader: new Uint8Array([seq]), txs: [] })
      // a ledger store holding tx sets for ledgers 1..9 only
      const ledgers = Promise.resolve({
        ledger: async (seq: number) =>
          seq < 10 ? { txSet: txSet(seq), results: [], signers: [] } : undefined,
      })
      const a = await openNodeHistory(network, ledgers, 5)
      for (let seq = 1; seq <= 12; seq++)
        await a.history.save({
          seq,
          value: new Uint8Array([seq, 1]),
          set: txSet(seq),
          externalizes: [new Uint8Array([seq, 2]), new Uint8Array([seq, 3])],
          qsets: [],
        })
      await a.own.save({ slot: 13, envelopes: [new Uint8Array([7]), new Uint8Array([8])] })
      const b = await openNodeHistory(network, ledgers, 5)
      const got = await Promise.all([1, 7, 8, 9, 10, 12].map((s) => b.history.load(s)))
      return {
        seqs: got.map((l) => l?.seq ?? null),
        value9: got[3] ? [...got[3].value] : null,
        ext9: got[3] ? got[3].externalizes.map((e: Uint8Array) => [...e]) : null,
        set9: got[3] ? [...got[3].set.prevHeader] : null,
        own: await b.own
          .load()
          .then((s: { slot: number; envelopes: Uint8Array[] } | undefined) =>
            s ? { slot: s.slot, envelopes: s.envelopes.map((e) => [...e]) } : null,
          ),
      }
    }, path)
  // Vite may reload the page once while it optimizes newly seen dependencies
  let result: Awaited<ReturnType<typeof check>> | undefined
  for (let attempt = 0; result === undefined; attempt++) {
    result = await check().catch(async (e) => {
      if (attempt >= 2 || !String(e).includes('Execution context was destroyed')) throw e
      await page.waitForLoadState('load')
      return undefined
    })
  }
  // retention 5: ledgers 8..12 kept; 10 and 12 lack a tx set in the ledger store
  expect(result.seqs).toEqual([null, null, 8, 9, null, null])
  expect(result.value9).toEqual([9, 1])
  expect(result.ext9).toEqual([
    [9, 2],
    [9, 3],
  ])
  expect(result.set9).toEqual([9])
  expect(result.own).toEqual({ slot: 13, envelopes: [[7], [8]] })
})
