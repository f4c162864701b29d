// The relay's trustless gateway end to end (issue 15, item 6): one browser node (the devnet's
// validator tab) offers space and stores a file; then Node fetches `RELAY/ipfs/CID` as a CAR the
// way `curl -H 'Accept: application/vnd.ipld.car'` would. The relay asks the tab over its
// WebSocket link (`/watt/retrieve/1`), checks every block and streams the CAR; here @ipld/car
// reads it, every block is hashed with node:crypto to its CID, the root is the CID and the raw
// leaves put together are the file, byte for byte. An unknown CID is 404 with a JSON code.
import { createHash } from 'node:crypto'
import { CarReader } from '@ipld/car'
import { expect, test } from '@playwright/test'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { useBareDevnet } from './bare-devnet.ts'

const PORT = Number(process.env.E2E_GATEWAY_PORT ?? 8430)
const net = useBareDevnet(PORT, 'e2e-gateway')

test.describe.configure({ timeout: 180_000 })

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest()

test('a stored file comes out of the relay as a CAR whose blocks hash to their CIDs', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  try {
    // 2.5 MiB: a root over three leaves (1 MiB chunks)
    const bytes = new Uint8Array(2560 * 1024)
    for (let i = 0; i < bytes.length; i += 32) bytes.set(sha256(new TextEncoder().encode(`g${i}`)), i)
    const cid = (await importFile([bytes])).cid.toString()
    await page.goto(net.devnet.links[0]!)
    await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
    await page.getByTestId('tab-storage').click()
    await page.getByTestId('storage-offer').fill('1')
    await page.getByTestId('storage-offer-save').click()
    await expect(page.getByTestId('storage-used')).toContainText('of 1.00 GiB', { timeout: 30_000 })
    await page.getByTestId('store-file').setInputFiles({
      name: 'g.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    })
    await expect(page.getByTestId('store-cid')).toHaveText(cid, { timeout: 60_000 })

    const url = `${net.devnet.relay.httpUrl}/ipfs/${cid}`
    const res = await fetch(url, { headers: { accept: 'application/vnd.ipld.car' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=y')
    const reader = await CarReader.fromBytes(new Uint8Array(await res.arrayBuffer()))
    expect((await reader.getRoots()).map(String)).toEqual([cid])
    const leaves: Uint8Array[] = []
    let blocks = 0
    for await (const b of reader.blocks()) {
      expect(new Uint8Array(sha256(b.bytes))).toEqual(b.cid.multihash.digest)
      if (b.cid.code === 0x55) leaves.push(b.bytes)
      blocks++
    }
    expect(blocks).toBeGreaterThan(1)
    expect(sha256(Buffer.concat(leaves)).toString('hex')).toBe(sha256(bytes).toString('hex'))

    const unknown = CID.createV1(
      0x55,
      Digest.create(0x12, sha256(new TextEncoder().encode('nobody has this'))),
    )
    const missing = await fetch(`${net.devnet.relay.httpUrl}/ipfs/${unknown}?format=car`)
    expect(missing.status).toBe(404)
    expect(typeof ((await missing.json()) as { code: unknown }).code).toBe('string')
  } finally {
    await context.close()
  }
})
