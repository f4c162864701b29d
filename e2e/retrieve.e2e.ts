// Get by CID between browsers, through the app (issue 15, items 4 and 7), each node its own
// context on a devnet's relay: A stores a text file and turns Serve on, so it announces the file
// on the `retrieval` gossip topic; R (serving too) enters the CID: the quote names one caching
// node and says free (data-amount 0), the file comes over a direct link block by block, and R's
// copy is byte-identical (SHA-256 of the original, worked out here); R now announces it. A's
// context is closed; C gets the file from R alone, identical again, and R's serve stats count the
// bytes it sent. Screenshots of C's result at 390 and 1280 px.
import { createHash } from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { useBareDevnet } from './bare-devnet.ts'
import { closeAll, openNode, type TestNode } from './nodes.ts'

const PORT = Number(process.env.E2E_RETRIEVE_PORT ?? 8432)
const net = useBareDevnet(PORT, 'e2e-retrieve')

test.describe.configure({ timeout: 240_000 })

const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

const serveOn = async (page: Page) => {
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('serve-toggle').check()
  await expect(page.getByTestId('serve-toggle')).toBeChecked({ timeout: 10_000 })
}

/** Gets `cid` through the app, asking again while no holder is known yet (gossip takes a moment). */
const getByCid = async (page: Page, cid: string) => {
  await page.getByTestId('tab-storage').click()
  await page.getByTestId('retrieve-cid-input').fill(cid)
  const result = page.getByTestId('retrieve-result')
  for (let i = 0; i < 20; i++) {
    await page.getByTestId('retrieve-submit').click()
    await expect(result).toHaveAttribute('data-state', /done|failed/, { timeout: 90_000 })
    if ((await result.getAttribute('data-state')) === 'done') break
    console.log(`[retrieve] try ${i}: ${await page.getByTestId('retrieve-status').textContent()}`)
    await page.waitForTimeout(1500)
  }
  await expect(result).toHaveAttribute('data-state', 'done')
  await expect(result).toHaveAttribute('data-cid', cid)
  await expect(page.getByTestId('retrieve-quote')).toHaveAttribute('data-amount', '0')
  await expect(page.getByTestId('retrieve-preview')).toContainText('Notes from the balcony')
  const href = (await page.getByTestId('retrieve-download').getAttribute('href'))!
  return page.evaluate(async (h) => {
    const b = await (await fetch(h)).arrayBuffer()
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', b))
    return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('')
  }, href)
}

test('a file announced by a serving node is got by CID in the app, cached, and served on after its first holder leaves', async ({
  browser,
}) => {
  const nodes: TestNode[] = []
  try {
    const [a, r, c] = [
      await openNode(browser, `${net.devnet.relay.httpUrl}/`),
      await openNode(browser, `${net.devnet.relay.httpUrl}/`),
      await openNode(browser, `${net.devnet.relay.httpUrl}/`),
    ]
    nodes.push(a!, r!, c!)
    // 2.5 MiB of text: a root over three 1 MiB leaves, previewed as text
    const line = 'Notes from the balcony: the tomatoes came up after nine days, the basil after twelve.\n'
    const bytes = new TextEncoder().encode(line.repeat(Math.ceil((2560 * 1024) / line.length)))
    const cid = (await importFile([bytes])).cid.toString()

    await serveOn(r!.page)
    await serveOn(c!.page)
    const page = a!.page
    await page.getByTestId('tab-storage').click()
    await page.getByTestId('storage-offer').fill('1')
    await page.getByTestId('storage-offer-save').click()
    await expect(page.getByTestId('storage-used')).toContainText('of 1.00 GiB', { timeout: 30_000 })
    await page
      .getByTestId('store-file')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(bytes) })
    await expect(page.getByTestId('store-cid')).toHaveText(cid, { timeout: 60_000 })
    await serveOn(page)

    expect(await getByCid(r!.page, cid)).toBe(sha256hex(bytes))
    await a!.context.close()
    expect(await getByCid(c!.page, cid)).toBe(sha256hex(bytes))
    await expect
      .poll(async () => Number(await r!.page.getByTestId('serve-stats').getAttribute('data-bytes')), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(bytes.length)
    await c!.page.screenshot({ path: 'e2e/artifacts/retrieve-phone.png', fullPage: true })
    await c!.page.setViewportSize({ width: 1280, height: 800 })
    await c!.page.screenshot({ path: 'e2e/artifacts/retrieve-desktop.png', fullPage: true })
  } finally {
    await closeAll(nodes)
  }
})
