// SCP with real browsers: four validators (threshold 3) on their own devnet close ledgers with
// identical hashes, apply a payment sent at one of them everywhere, keep closing through a junk
// tx-set flood sent through the relay, keep closing with one gone,
// halt without forking with two gone, and resume when one returns and catches up.
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { nobleSigner } from '../shared/crypto/noble.ts'
import { watt } from '../shared/ledger/index.ts'
import { body, create, keyOf, signed } from '../shared/ledger/test/fixtures.ts'
import { fromHex } from '../shared/util/bytes.ts'
import { useDevnet } from './devnet-process.ts'
import { floodJunkTxSets } from './junk-flood.ts'
import { expectSameHashes as sameHashes, rpc, seqOf } from './ledger-pages.ts'

const PORT = Number(process.env.E2E_CONSENSUS_PORT ?? 8396)
const net = useDevnet([
  `--port=${PORT}`,
  '--network=e2e-scp',
  '--validators=4',
  '--no-headless',
  '--close-interval=1',
])
const validators: Array<{ context: BrowserContext; page: Page | undefined }> = []

test.describe.configure({ timeout: 540_000 })

const live = () => validators.filter((v) => v.page).map((v) => v.page!)
const expectSameHashes = () => sameHashes(live())

/** Messages the relay has received on the SCP topic, from its /metrics. */
const relayScpIn = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = /^watt_relay_gossip_messages_total\{direction="in",topic="watt\/e2e-scp\/scp\/1"\} (\d+)$/m
  return Number(line.exec(text)?.[1] ?? Number.NaN)
}

const expectClosing = async (pages: Page[], by: number, timeout = 60_000) => {
  const start = await Promise.all(pages.map(seqOf))
  for (const [i, p] of pages.entries())
    await expect.poll(() => seqOf(p), { timeout }).toBeGreaterThanOrEqual(start[i]! + by)
}

test('four browser validators reach consensus, survive one loss, halt safely at two and resume', async ({
  browser,
}) => {
  const { devnet } = net
  for (const link of devnet.links) {
    const context = net.track(await browser.newContext())
    const page = await context.newPage()
    await page.goto(link)
    validators.push({ context, page })
  }
  for (const p of live())
    await expect(p.getByTestId('node-role')).toHaveText('validator', { timeout: 60_000 })
  for (const p of live())
    await expect.poll(() => seqOf(p), { timeout: 240_000, intervals: [2000] }).toBeGreaterThanOrEqual(31)
  await expectSameHashes()
  await expect(live()[0]!.getByTestId('quorum-health')).toHaveText(/^intersecting/)
  // the editor analyses a proposed quorum set before it is saved: trusting any one node splits
  const editor = live()[0]!
  await editor.getByTestId('quorum-edit').click()
  await editor.getByTestId('quorum-threshold').fill('1')
  await expect(editor.getByTestId('quorum-proposal-health')).toHaveText(/^at risk/)
  await editor.getByRole('button', { name: 'Cancel' }).click()

  // a payment submitted at one validator is applied at all of them
  const genesis = (await (await fetch(`${devnet.url}/genesis`)).json()) as { faucetSecret: string }
  const faucet = keyOf(nobleSigner(fromHex(genesis.faucetSecret)))
  const dest = keyOf(nobleSigner(new Uint8Array(32).fill(42)))
  const tx = await signed(faucet, body(faucet, 1n, [create(dest, watt(7n))], { network: 'e2e-scp' }))
  await rpc(live()[2]!, 'ledger.submit', { tx })
  for (const p of live())
    await expect
      .poll(() => rpc(p, 'ledger.account', { address: dest.address }), { timeout: 30_000 })
      .toEqual({ balance: String(watt(7n)), seq: '0' })

  // a junk tx-set flood through the relay from 8 rotating authors (issue 12): the validators see
  // it, refuse it unread, and every one closes at least 20 ledgers in the minute after
  const relayIn0 = await relayScpIn(devnet.url)
  const started = Date.now()
  const flood = await floodJunkTxSets(devnet.url, 'e2e-scp', {
    count: 5000,
    perSecond: 500,
    maxMs: 60_000,
    authors: 8,
  })
  // the attacker shares two cores with four browsers: its rate is what it reached
  console.log(`junk flood: ${flood.sent} tx sets in ${Date.now() - started} ms from ${flood.authors} authors`)
  expect(flood.sent).toBeGreaterThanOrEqual(2500)
  const afterFlood = await Promise.all(live().map(seqOf))
  await live()[0]!.waitForTimeout(60_000)
  const minuteLater = await Promise.all(live().map(seqOf))
  for (const [i, s] of minuteLater.entries())
    expect(s - afterFlood[i]!, `validator ${i}`).toBeGreaterThanOrEqual(20)
  // the relay took the whole flood in; what it passed on is what four browsers on two shared
  // cores could read: a reader that falls behind overflows its bounded outbound buffer at the
  // relay, which drops for it (0 to 140 sets per validator in seven runs). So the flood is
  // proven at the relay, and the validators' side of it (junk refused unread, the real sets
  // never evicted) by txset-flood.test.ts, which hands them 2,000 sets a second directly
  const relayIn = (await relayScpIn(devnet.url)) - relayIn0
  expect(relayIn).toBeGreaterThanOrEqual(flood.sent)
  const refused = await Promise.all(live().map(async (p) => (await rpc(p, 'ledger.status'))?.counters ?? {}))
  console.log(`junk refused unread per validator: ${refused.map((c) => c.txset_unknown_slot ?? 0)}`)
  await expectSameHashes()

  // one validator gone: the other three (a quorum) keep closing
  await validators[3]!.page!.close()
  validators[3]!.page = undefined
  await expectClosing(live(), 5)
  await expectSameHashes()

  // two gone: no quorum, the remaining two halt without forking
  await validators[2]!.page!.close()
  validators[2]!.page = undefined
  await live()[0]!.waitForTimeout(4000)
  const halted = await Promise.all(live().map(seqOf))
  await live()[0]!.waitForTimeout(8000)
  expect(await Promise.all(live().map(seqOf))).toEqual(halted)
  await expectSameHashes()

  // one returns (same profile, same key): it catches up and the three close again
  const back = validators[2]!
  back.page = await back.context.newPage()
  await back.page.goto(devnet.url)
  await expect.poll(() => seqOf(back.page!), { timeout: 90_000 }).toBeGreaterThanOrEqual(Math.max(...halted))
  await expectClosing(live(), 5, 90_000)
  await expectSameHashes()
})
