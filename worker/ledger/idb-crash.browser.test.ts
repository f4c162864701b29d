// Crash safety of the IndexedDB ledger store: close the page at random moments while ledgers are
// being committed, many times; after each reopen the store holds a consistent closed ledger
// (state root matches) that never goes backwards. Seeded (replay with SEED=...).
import { randomInt } from 'node:crypto'
import { resolve } from 'node:path'
import { expect, type Page, test } from '@playwright/test'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
const module = `/@fs${resolve('worker/ledger/crash-run.ts')}`

/** Vite may reload the page once while optimizing dependencies: retry after a reload. */
const evaluateModule = async <T>(page: Page, fn: string, db: string): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await page.evaluate(
        async ({ module, fn, db }) => {
          const m = await import(/* @vite-ignore */ module)
          return m[fn](db)
        },
        { module, fn, db },
      )) as T
    } catch (e) {
      if (attempt >= 2 || !String(e).includes('Execution context was destroyed')) throw e
      await page.waitForLoadState('load')
    }
  }
}

test('closing the page mid-commit never leaves a half-written ledger', async ({ context }) => {
  test.setTimeout(300_000)
  console.log(`idb crash seed: ${seed} (replay with SEED=${seed})`)
  const db = `watt-ledger-crash-${seed}`
  let lastSeq = 0
  let x = seed
  for (let round = 0; round < 8; round++) {
    const page = await context.newPage()
    await page.goto('/harness.html')
    const check = await evaluateModule<{ seq: number; rootOk: boolean }>(page, 'checkCrashStore', db)
    expect(check.rootOk, `round ${round}`).toBe(true)
    expect(check.seq, `round ${round}`).toBeGreaterThanOrEqual(lastSeq)
    lastSeq = check.seq
    void evaluateModule(page, 'runCommitLoop', db).catch(() => {})
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    await page.waitForTimeout(300 + (x % 1500))
    await page.close()
  }
  console.log(`closed ledgers survived: ${lastSeq}`)
  expect(lastSeq).toBeGreaterThan(1)
})
