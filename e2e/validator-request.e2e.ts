// A newcomer asks to become a validator from the app: a devnet of three browser validators
// started with --auto-admit, a fourth profile that joins as a watcher, presses the Node screen's
// button, becomes a validator, is admitted into every validator's quorum set (threshold 3 of 4),
// has its EXTERNALIZE counted in their proofs, and all four go on closing identical ledgers.
import { expect, type Page, test } from '@playwright/test'
import { useDevnet } from './devnet-process.ts'
import { expectSameHashes, rpc, seqOf } from './ledger-pages.ts'

const PORT = Number(process.env.E2E_VALIDATOR_REQUEST_PORT ?? 8397)
const net = useDevnet([
  `--port=${PORT}`,
  '--network=e2e-join',
  '--validators=3',
  '--no-headless',
  '--auto-admit',
  '--close-interval=1',
])

test.describe.configure({ timeout: 240_000 })

test('a watcher asks to validate, is admitted, votes, and ledgers keep closing identically', async ({
  browser,
}) => {
  const { devnet } = net
  const pages: Page[] = []
  const openNode = async (url: string) => {
    const context = net.track(await browser.newContext())
    const page = await context.newPage()
    await page.goto(url)
    pages.push(page)
    return page
  }
  for (const link of devnet.links) await openNode(link)
  for (const p of pages) await expect(p.getByTestId('node-role')).toHaveText('validator', { timeout: 60_000 })
  await expect.poll(() => seqOf(pages[0]!), { timeout: 90_000 }).toBeGreaterThanOrEqual(5)

  const newcomer = await openNode(devnet.url)
  await expect(newcomer.getByTestId('node-role')).toHaveText('watcher', { timeout: 60_000 })
  await expect
    .poll(() => seqOf(newcomer), { timeout: 60_000 })
    .toBeGreaterThanOrEqual((await seqOf(pages[0]!)) - 1)
  const { nodeId } = await rpc(newcomer, 'quorum.get')

  await newcomer.getByTestId('validator-request').click()
  await expect(newcomer.getByTestId('node-role')).toHaveText('validator', { timeout: 30_000 })
  await expect(newcomer.getByTestId('validator-request-state')).toHaveAttribute('data-state', 'admitted', {
    timeout: 60_000,
  })
  // every validator admitted it: four validators, a two-thirds threshold
  for (const p of pages.slice(0, 3)) {
    await expect
      .poll(async () => JSON.parse((await p.getByTestId('quorum-set').textContent()) ?? '{}'), {
        timeout: 30_000,
      })
      .toMatchObject({
        threshold: 3,
        validators: expect.arrayContaining([nodeId, ...devnet.validatorAddresses]),
      })
  }
  // it votes: its EXTERNALIZE is part of what the validators hold as the quorum's proof
  for (const p of pages.slice(0, 3))
    await expect
      .poll(async () => (await rpc(p, 'ledger.status'))?.externalizedBy, {
        timeout: 30_000,
      })
      .toContain(nodeId)

  const start = await Promise.all(pages.map(seqOf))
  for (const [i, p] of pages.entries())
    await expect.poll(() => seqOf(p), { timeout: 60_000 }).toBeGreaterThanOrEqual(start[i]! + 5)
  await expectSameHashes(pages)
})
