// Paid retrieval between browsers (issue 15, "Done means"), each node its own context on a
// devnet's relay. X stores a text file with provider P through the storage market (a deal, sealed
// and proven); X leaves. P, R and C serve at the same price, 2 base units a byte, set on the Serve
// card in WATT per MiB. R gets the file by CID: the quote names P and its price, R pays (one
// payment channel) and caches it. C gets it from P and R in parallel, paying both. Each server's
// earnings, read from the ledger after it redeemed its vouchers, are exactly the bytes the fetches
// verified from it times the price, and R's wallet moved by exactly its earnings minus what it
// put in its channel, less whole fees. Then C's copy is corrupted on disk (every leaf flips a
// byte), P's context closes, and D gets the file from R and C: C is caught at its first bad block,
// never paid for it, and D completes from R, byte-identical (SHA-256 worked out here).
import { createHash } from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { useBareDevnet } from './bare-devnet.ts'
import { rpc } from './ledger-pages.ts'
import { fundedWallet, item, postAsk } from './market-pages.ts'
import { closeAll, openNode, type TestNode } from './nodes.ts'

const PORT = Number(process.env.E2E_RETRIEVE_PAID_PORT ?? 8436)
const net = useBareDevnet(PORT, 'e2e-paid')

test.describe.configure({ timeout: 900_000 })

const UNIT = 10_000_000n
const PRICE = 2n // base units a byte
const FEE = 100n // the devnet's fee per operation
/** 2 units a byte is 2 x 2^20 units a MiB: the Serve card's field is WATT per MiB. */
const PRICE_TEXT = '0.2097152'
const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const units = (watt: string) => {
  const [w, f = ''] = watt.replace(/,/g, '').split('.')
  return BigInt(w!) * UNIT + BigInt(f.padEnd(7, '0'))
}

const servePriced = async (page: Page) => {
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('serve-price').fill(PRICE_TEXT)
  await page.getByTestId('serve-save').click()
  await expect(page.getByTestId('serve-price-now')).toHaveAttribute('data-price', String(PRICE), {
    timeout: 10_000,
  })
  await page.getByTestId('serve-toggle').check()
  await expect(page.getByTestId('serve-toggle')).toBeChecked({ timeout: 10_000 })
}

const balanceOf = async (page: Page) => units((await rpc(page, 'wallet.status')).balance)
const earnedOf = async (page: Page) => BigInt((await rpc(page, 'retrieval.serve.get')).earned)

/** Gets `cid` through the app at the quoted price; the verified bytes per server peer and the quote. */
const getPaid = async (page: Page, cid: string) => {
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('retrieve-cid-input').fill(cid)
  const quote = page.getByTestId('retrieve-quote')
  for (let i = 0; i < 20; i++) {
    await page.getByTestId('retrieve-submit').click()
    await expect(quote.or(page.getByTestId('retrieve-result'))).toBeVisible({ timeout: 60_000 })
    if (await page.getByTestId('retrieve-pay').isVisible()) break
    await page.waitForTimeout(1500)
  }
  const amount = BigInt((await quote.getAttribute('data-amount'))!)
  await page.getByTestId('retrieve-pay').click()
  const result = page.getByTestId('retrieve-result')
  await expect(result).toHaveAttribute('data-state', /done|failed/, { timeout: 180_000 })
  if ((await result.getAttribute('data-state')) !== 'done')
    throw new Error(`fetch failed: ${await page.getByTestId('retrieve-status').textContent()}`)
  const servers = new Map<string, { bytes: bigint; fault: string }>()
  for (const li of await page.getByTestId('retrieve-server').all())
    servers.set((await li.getAttribute('data-peer'))!, {
      bytes: BigInt((await li.getAttribute('data-bytes'))!),
      fault: (await li.getAttribute('data-fault'))!,
    })
  const href = (await page.getByTestId('retrieve-download').getAttribute('href'))!
  const sha = await page.evaluate(async (h) => {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await (await fetch(h)).arrayBuffer()))
    return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('')
  }, href)
  return { amount, servers, sha }
}

/** Flips the first byte of every raw leaf this node cached for `root` (IndexedDB, as a bad disk would). */
const corruptCache = (page: Page, root: string) =>
  page.evaluate(async (owner) => {
    const db = await new Promise<IDBDatabase>((ok, no) => {
      const r = indexedDB.open('watt-storage')
      r.onsuccess = () => ok(r.result)
      r.onerror = () => no(r.error)
    })
    const tx = db.transaction('blocks', 'readwrite')
    const store = tx.objectStore('blocks')
    let flipped = 0
    await new Promise<void>((ok) => {
      const req = store.index('owner').openCursor(IDBKeyRange.only(owner))
      req.onsuccess = () => {
        const c = req.result
        if (!c) return ok()
        const row = c.value as { bytes: Uint8Array; owner: string }
        if (String(c.primaryKey).startsWith('bafk')) {
          const bytes = new Uint8Array(row.bytes)
          bytes[0] = bytes[0]! ^ 0xff
          c.update({ ...row, bytes })
          flipped++
        }
        c.continue()
      }
    })
    db.close()
    return flipped
  }, `fetch:${root}`)

/** Each server's verified bytes over several fetches, by peer. */
const add = (into: Map<string, bigint>, got: Map<string, { bytes: bigint }>) => {
  for (const [peer, s] of got) into.set(peer, (into.get(peer) ?? 0n) + s.bytes)
}

test('a stored file is bought by the byte from its provider and a cache, exactly, and a corrupt cache is caught and unpaid', async ({
  browser,
}) => {
  const nodes: TestNode[] = []
  const open = async () => {
    const n = await openNode(browser, `${net.devnet.relay.httpUrl}/`)
    nodes.push(n)
    return n
  }
  try {
    const [x, p] = [await open(), await open()]
    const [, pAddr] = await Promise.all([fundedWallet(x.page), fundedWallet(p.page)])
    await postAsk(p.page, '1')
    const line = 'Notes from the balcony: the tomatoes came up after nine days, the basil after twelve.\n'
    const bytes = new TextEncoder().encode(line.repeat(Math.ceil((2560 * 1024) / line.length)))
    const cid = (await importFile([bytes])).cid.toString()
    const page = x.page
    await page.getByTestId('tab-storage').click()
    await expect(page.getByTestId('ask-item')).toHaveCount(1, { timeout: 60_000 })
    await page
      .getByTestId('deal-file')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(bytes) })
    await page.getByTestId('deal-replicas').fill('1')
    await page.getByTestId('deal-days').fill('1')
    await expect(page.getByTestId('deal-quote')).toHaveAttribute('data-amount', /^[1-9]\d*$/, {
      timeout: 60_000,
    })
    await page.getByTestId('deal-submit').click()
    await expect(item(p.page, 'provider-deals', pAddr!)).toHaveAttribute('data-state', 'active', {
      timeout: 600_000,
    })
    await x.context.close()

    const [r, c] = [await open(), await open()]
    await Promise.all([fundedWallet(r.page), fundedWallet(c.page)])
    for (const n of [p, r, c]) await servePriced(n.page)
    const verified = new Map<string, bigint>()

    const rBefore = await balanceOf(r.page)
    const byR = await getPaid(r.page, cid)
    expect(byR.sha).toBe(sha256hex(bytes))
    expect(byR.servers.get(p.peerId)?.bytes ?? 0n, 'R bought from the provider').toBeGreaterThan(0n)
    add(verified, byR.servers)

    const byC = await getPaid(c.page, cid)
    expect(byC.sha).toBe(sha256hex(bytes))
    for (const peer of [p.peerId, r.peerId])
      expect(byC.servers.get(peer)?.bytes ?? 0n, `C fetched from ${peer} in parallel`).toBeGreaterThan(0n)
    add(verified, byC.servers)

    // every server is paid exactly bytes x price, as the ledger's redeems say
    for (const n of [p, r])
      await expect
        .poll(() => earnedOf(n.page), { timeout: 60_000 })
        .toBe((verified.get(n.peerId) ?? 0n) * PRICE)
    await expect(p.page.getByTestId('serve-stats')).toHaveAttribute(
      'data-earned',
      String(verified.get(p.peerId)! * PRICE),
    )

    // C's cached copy goes bad on disk; the provider leaves; D gets it from R and C
    await expect.poll(() => corruptCache(c.page, cid)).toBeGreaterThanOrEqual(2)
    await p.context.close()
    const d = await open()
    await fundedWallet(d.page)
    const cEarnedBefore = await earnedOf(c.page)
    const byD = await getPaid(d.page, cid)
    expect(byD.sha, 'D got the whole file, byte-identical').toBe(sha256hex(bytes))
    expect(byD.servers.get(c.peerId)?.fault, 'C caught at its bad block').toBe('bad_block')
    expect(byD.servers.get(r.peerId)?.bytes ?? 0n).toBeGreaterThan(0n)
    add(verified, byD.servers)
    await expect.poll(() => earnedOf(r.page), { timeout: 60_000 }).toBe(verified.get(r.peerId)! * PRICE)
    const cPaid = byD.servers.get(c.peerId)!.bytes * PRICE
    await expect.poll(() => earnedOf(c.page), { timeout: 60_000 }).toBe(cEarnedBefore + cPaid)

    // R's wallet: minus what it put in its channel (the quote it accepted), plus what it earned, less whole fees
    const rAfter = await balanceOf(r.page)
    const fees = rBefore - byR.amount + verified.get(r.peerId)! * PRICE - rAfter
    expect(fees % FEE, `R's balance moved by its payments and earnings exactly (fees ${fees})`).toBe(0n)
    expect(fees / FEE).toBeGreaterThanOrEqual(2n)
    expect(fees / FEE).toBeLessThanOrEqual(5n)
    await d.page.getByTestId('retrieve-servers').scrollIntoViewIfNeeded()
    await d.page.screenshot({ path: 'e2e/artifacts/retrieve-paid-phone.png' })
    await d.page.setViewportSize({ width: 1280, height: 800 })
    await d.page.screenshot({ path: 'e2e/artifacts/retrieve-paid-desktop.png', fullPage: true })
  } finally {
    await closeAll(nodes)
  }
})
