// Hard kills of a storage provider while it submits a deal's window proof (issue 20): a devnet's
// validator tab, a client and a provider whose browser runs on a persistent profile. The client
// stores 1 MiB with that provider; once the replica is active, each time a window proof of the
// provider is pending in its node, the whole browser is SIGKILLed (a seeded 0-500 ms later) and
// the profile reopened; the provider unlocks its wallet as a user would. After each reopen its
// ledger store is consistent (the reported header is stored, the stored entries hash to the last
// header's state root, the seq never went back, and its headers are the validator's), the replica
// is still live (a kill costs at most the window it fell in) and it proves the next windows again
// from the sector in OPFS. In the end the client's row says the provider was paid exactly the
// shares of its proven windows, and the provider earned that. KILL_SEED replays the moments.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { cidString } from '../shared/codec/dag-cbor.ts'
import { headerCid } from '../shared/ledger/index.ts'
import { decodeEntryBytes, decodeHeaderBytes, stateFromLoaded } from '../shared/ledger/store.ts'
import { fromHex } from '../shared/util/bytes.ts'
import { createRng } from '../shared/util/prng.ts'
import { useDevnet } from './devnet-process.ts'
import { hardKill, launchProfile, readStore } from './hard-kill.ts'
import { rpc } from './ledger-pages.ts'
import { fundedWallet, item, postAsk, rowOf, view } from './market-pages.ts'
import { E2E_PIN, openNode } from './nodes.ts'

const PORT = Number(process.env.E2E_MARKET_KILL_PORT ?? 8422)
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000_007)
const KILLS = Number(process.env.DEAL_KILLS ?? 2)
const NETWORK = 'e2e-deal-kill'
// devnet: proving periods of 20 ledgers of 1 s; the deal lasts a day of 86,400 s
const PERIODS = 86_400n / 20n
const net = useDevnet([
  `--port=${PORT}`,
  `--network=${NETWORK}`,
  '--validators=1',
  '--no-headless',
  '--close-interval=1',
])
let profile: string
let context: BrowserContext | undefined

test.describe.configure({ timeout: 600_000 + KILLS * 90_000 })

test.beforeAll(() => {
  profile = mkdtempSync(join(tmpdir(), 'watt-deal-kill-'))
})

test.afterAll(async () => {
  await context?.close().catch(() => {})
  rmSync(profile, { recursive: true, force: true })
})

/** The provider's browser on its profile, online at the devnet's page. */
const openProvider = async (): Promise<Page> => {
  const opened = await launchProfile(profile)
  context = opened.context
  net.track(context)
  await opened.page.goto(`${net.devnet.url}/`)
  await expect(opened.page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
  return opened.page
}

/** A restarted phone's wallet is locked: the user enters the PIN on the Wallet tab. */
const unlock = async (page: Page) => {
  await page.getByTestId('tab-wallet').click()
  await page.getByTestId('unlock-pin').fill(E2E_PIN, { timeout: 60_000 })
  await page.getByTestId('unlock-submit').click()
  await expect(page.getByTestId('wallet-unlock')).toHaveCount(0, { timeout: 30_000 })
}

/** The provider's reopened store: reported header stored, state root right, the validator's headers. */
const checkProviderStore = async (page: Page, validator: Page, lastSeen: number): Promise<number> => {
  const reported = (await rpc(page, 'ledger.status'))!
  const snap = await readStore(page, `watt-ledger-${NETWORK}`)
  const headers = new Map(snap.headers.map(([k, v]) => [k, decodeHeaderBytes(fromHex(v))]))
  const last = headers.get(snap.last)
  expect(last, 'the last pointer names a stored header').toBeDefined()
  expect(snap.last, 'the seq never goes back').toBeGreaterThanOrEqual(lastSeen)
  expect(cidString(headerCid(headers.get(reported.seq)!)), 'reported hash is stored').toBe(reported.hash)
  const loaded = stateFromLoaded({
    header: last!,
    entries: snap.entries.map(([k, v]) => decodeEntryBytes(k, fromHex(v))),
  })
  expect(loaded.ok, 'stored entries hash to the last header state root').toBe(true)
  const theirs = new Map((await rpc(validator, 'ledger.recent', { limit: 50 })).map((l) => [l.seq, l.hash]))
  for (const [seq, h] of headers)
    if (theirs.has(seq))
      expect(cidString(headerCid(h)), `ledger ${seq} is the validator's`).toBe(theirs.get(seq))
  return snap.last
}

/** Resolves once a window proof of the provider is pending in its node (polled every 100 ms). */
const windowPostPending = async (page: Page) => {
  await expect
    .poll(async () => (await view(page)).txs.some((t) => t.kind === 'windowPost' && t.state === 'pending'), {
      timeout: 120_000,
      intervals: [100],
    })
    .toBe(true)
}

test('a provider killed while it submits window proofs comes back consistent and keeps proving and being paid', async ({
  browser,
}) => {
  console.log(`deal kill e2e seed ${SEED} (KILL_SEED=${SEED} reproduces the kill moments)`)
  const rng = createRng(SEED)
  const validator = (await openNode(browser, net.devnet.links[0]!)).page
  const clientNode = await openNode(browser, `${net.devnet.url}/`)
  net.track(clientNode.context)
  const client = clientNode.page
  let provider = await openProvider()
  const [, address] = await Promise.all([fundedWallet(client), fundedWallet(provider)])
  await postAsk(provider, '1')

  await client.getByTestId('tab-storage').click()
  await expect(client.getByTestId('ask-item')).toHaveCount(1, { timeout: 60_000 })
  const bytes = createRng(SEED + 1).bytes(1 << 20)
  await client
    .getByTestId('deal-file')
    .setInputFiles({ name: 'one.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })
  await client.getByTestId('deal-replicas').fill('1')
  await client.getByTestId('deal-days').fill('1')
  await expect(client.getByTestId('deal-quote')).toHaveAttribute('data-amount', /^[1-9]\d*$/, {
    timeout: 60_000,
  })
  await client.getByTestId('deal-submit').click()
  await expect(item(client, 'deal-list', address!)).toHaveAttribute('data-state', 'active', {
    timeout: 600_000,
  })

  let seen = 0
  for (let kill = 1; kill <= KILLS; kill++) {
    await windowPostPending(provider)
    const delay = rng.int(500)
    await provider.waitForTimeout(delay)
    const before = (await rowOf(client, address!))!
    seen = (await rpc(provider, 'ledger.status'))!.seq
    await hardKill(context!, profile)
    provider = await openProvider()
    await unlock(provider)
    seen = await checkProviderStore(provider, validator, seen)
    // live, and proving again: the next window after the one the kill fell in is proven
    await expect
      .poll(async () => (await rowOf(client, address!))?.windows ?? 0, { timeout: 120_000 })
      .toBeGreaterThanOrEqual(before.windows + 2)
    const after = (await rowOf(client, address!))!
    expect(['active', 'faulty'], `kill ${kill}: the replica lives`).toContain(after.state)
    console.log(
      `kill ${kill}: ${delay} ms after a window proof went pending (windows ${before.windows}, faults ${before.faults}); ` +
        `reopened at ledger ${seen}, store consistent; now windows ${after.windows}, faults ${after.faults}`,
    )
  }
  // paid exactly the shares of the proven windows: every window counted, each fault's share missing
  const row = (await rowOf(client, address!))!
  await expect(item(client, 'deal-list', address!)).toHaveAttribute('data-state', 'active', {
    timeout: 60_000,
  })
  const total = BigInt(row.total)
  const share = (i: bigint) => (total * (i + 1n)) / PERIODS - (total * i) / PERIODS
  const all = (total * BigInt(row.windows)) / PERIODS
  expect(row.faults, 'a kill costs at most its window').toBeLessThanOrEqual(KILLS)
  expect(BigInt(row.paid)).toBeLessThanOrEqual(all)
  expect(BigInt(row.paid)).toBeGreaterThanOrEqual(all - BigInt(row.faults) * share(0n) - BigInt(row.faults))
  await expect.poll(async () => (await view(provider)).provider?.earned, { timeout: 30_000 }).toBe(row.paid)
  // what the restarted phone shows: its deal proving, the tab bar on screen
  await provider.getByTestId('tab-storage').click()
  await provider.getByTestId('provider-deals').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await provider.screenshot({ path: 'e2e/artifacts/deal-kill-provider-phone.png' })
})
