// E2E helpers for hard kills (issue 20): SIGKILL to a persistent profile's whole browser (no
// unload handler, no flush), and the node's ledger database read back raw for the checks.
import { readdirSync, readFileSync } from 'node:fs'
import { type BrowserContext, chromium, expect, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../tools/chromium.ts'

/** A persistent context on `profile` at a phone's viewport (keys, IndexedDB and OPFS survive it). */
export const launchProfile = async (profile: string): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    args: CHROMIUM_ARGS,
    viewport: { width: 390, height: 844 },
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  if (process.env.E2E_CONSOLE) page.on('console', (m) => console.log(`[console] ${m.type()} ${m.text()}`))
  return { context, page }
}

/** Chromium's processes running `profile` (the browser names it in --user-data-dir). */
export const profilePids = (profile: string): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'latin1').includes(`--user-data-dir=${profile}`)
      } catch {
        return false // it ended while we looked
      }
    })
    .map(Number)

/** SIGKILL to the browser's process group and to each process of the profile; waits until none is left. */
export const hardKill = async (c: BrowserContext, profile: string): Promise<void> => {
  const closed = new Promise<void>((r) => c.once('close', () => r()))
  const pids = profilePids(profile)
  expect(pids.length, 'the browser runs the test profile').toBeGreaterThan(0)
  for (const pid of pids)
    for (const target of [-pid, pid])
      try {
        process.kill(target, 'SIGKILL')
      } catch {
        // not a group leader, or already gone
      }
  await expect.poll(() => profilePids(profile).length, { timeout: 10_000 }).toBe(0)
  await closed
}

export interface Snapshot {
  last: number
  headers: [number, string][]
  ledgers: [number, string][]
  entries: [string, string][]
}

/** The node's ledger database read in one readonly IndexedDB transaction, bytes as hex. */
export const readStore = (page: Page, name: string): Promise<Snapshot> =>
  page.evaluate(async (dbName) => {
    const req = <T>(r: IDBRequest<T>) =>
      new Promise<T>((ok, fail) => {
        r.onsuccess = () => ok(r.result)
        r.onerror = () => fail(r.error)
      })
    const db = await req(indexedDB.open(dbName))
    const tx = db.transaction(['meta', 'headers', 'ledgers', 'entries'], 'readonly')
    const all = (s: string) =>
      Promise.all([req(tx.objectStore(s).getAllKeys()), req(tx.objectStore(s).getAll())])
    const [last, h, l, e] = await Promise.all([
      req(tx.objectStore('meta').get('last')),
      all('headers'),
      all('ledgers'),
      all('entries'),
    ])
    db.close()
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
    const pairs = <K>([ks, vs]: [IDBValidKey[], Uint8Array[]]) => ks.map((k, i) => [k as K, hex(vs[i]!)])
    return { last, headers: pairs<number>(h), ledgers: pairs<number>(l), entries: pairs<string>(e) }
  }, name) as Promise<Snapshot>
