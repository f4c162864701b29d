// Storage on the device end to end, on its own devnet (one validator closing a ledger a second,
// so PoSt windows draw ledger randomness). The storage user is the validator's own tab: it offers
// space (too little first: `over_budget`), stores a 10 MiB file (the CID `ipfs add` gives), its
// 4 MiB sectors seal in proof workers with visible progress, the page is reloaded mid-seal and
// every sector still ends sealed with a verified seal proof, windows pass, removing one OPFS
// replica makes the next window fail and that sector `faulty`, and the file comes back by CID.
import { createHash } from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { useBareDevnet } from './bare-devnet.ts'
import { closeAll, type TestNode } from './nodes.ts'
import { removeReplicaFile } from './opfs.ts'

const PORT = Number(process.env.E2E_STORAGE_PORT ?? 8395)
const MiB = 1 << 20
const net = useBareDevnet(PORT, 'e2e-storage')

test.describe.configure({ timeout: 600_000 })

const sectors = (page: Page) => page.getByTestId('sector-list').getByTestId('sector-item')

const openStorage = async (page: Page) => {
  await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
  await page.getByTestId('tab-storage').click()
  await expect(page.getByTestId('storage-used')).toBeVisible({ timeout: 60_000 })
}

test('offer, store 10 MiB, seal through a reload, prove, lose a replica, retrieve', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const node: TestNode = { context, page: await context.newPage(), peerId: '' }
  const { page } = node
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  try {
    const bytes = new Uint8Array(10 * MiB)
    for (let i = 0; i < bytes.length; i += 32) bytes.set(createHash('sha256').update(String(i)).digest(), i)
    const cid = (await importFile([bytes])).cid.toString()
    const file = { name: 'ten.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) }

    await page.goto(net.devnet.links[0]!)
    await openStorage(page)

    await page.getByTestId('storage-offer').fill('0.05')
    await page.getByTestId('storage-offer-save').click()
    await page.getByTestId('store-file').setInputFiles(file)
    await expect(page.getByTestId('store-status')).toContainText('over_budget')
    await expect(sectors(page)).toHaveCount(0)

    await page.getByTestId('storage-offer').fill('1')
    await page.getByTestId('storage-offer-save').click()
    await expect(page.getByTestId('storage-used')).toContainText('of 1.00 GiB')
    await page.getByTestId('store-file').setInputFiles(file)
    await expect(page.getByTestId('store-cid')).toHaveText(cid, { timeout: 120_000 })
    await expect(sectors(page)).toHaveCount(3)

    // sealing shows its progress; reload once a sector is past its first layer checkpoint
    await expect(page.getByTestId('sector-progress').first()).toBeVisible({ timeout: 60_000 })
    await expect(
      page
        .getByTestId('sector-progress')
        .filter({ hasText: /layer [2-8]\// })
        .first(),
    ).toBeVisible({
      timeout: 240_000,
    })
    await page.screenshot({ path: 'e2e/artifacts/storage-sealing-phone.png', fullPage: true })
    await page.reload()
    await openStorage(page)

    for (let i = 0; i < 3; i++) {
      await expect(sectors(page).nth(i)).toHaveAttribute('data-state', /^(sealed|proving)$/, {
        timeout: 360_000,
      })
      await expect(sectors(page).nth(i)).toHaveAttribute('data-comm-r', /^[0-9a-f]{64}$/)
      await expect(sectors(page).nth(i)).toContainText('seal proof ok')
    }
    await expect(page.getByTestId('sector-list')).toContainText('resumed at layer')
    await expect(page.getByTestId('post-last')).toContainText('ok', { timeout: 60_000 })
    await expect(sectors(page).first()).toHaveAttribute('data-state', 'proving', { timeout: 60_000 })
    await page.screenshot({ path: 'e2e/artifacts/storage-phone.png', fullPage: true })

    await removeReplicaFile(page, 0)
    await expect(page.getByTestId('post-last')).toContainText('failed', { timeout: 60_000 })
    await expect(page.getByTestId('post-last')).toContainText('missing_sector')
    await expect(sectors(page).first()).toHaveAttribute('data-state', 'faulty')
    await expect(sectors(page).nth(1)).toHaveAttribute('data-state', 'proving')

    await page.getByTestId('retrieve-cid-input').fill(cid)
    await page.getByTestId('retrieve-submit').click()
    await expect(page.getByTestId('retrieve-status')).toHaveText(`verified ${bytes.length} bytes`, {
      timeout: 60_000,
    })
    const href = (await page.getByTestId('retrieve-download').getAttribute('href'))!
    const digest = await page.evaluate(async (url) => {
      const b = await (await fetch(url)).arrayBuffer()
      return [...new Uint8Array(await crypto.subtle.digest('SHA-256', b))]
        .map((x) => x.toString(16).padStart(2, '0'))
        .join('')
    }, href)
    expect(digest).toBe(createHash('sha256').update(bytes).digest('hex'))

    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'e2e/artifacts/storage-desktop.png', fullPage: true })
  } finally {
    await closeAll([node])
  }
})
