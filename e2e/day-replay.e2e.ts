// W24 end to end: a devnet day exported from a real browser node replays in the simulator's
// code with identical results. One browser validator on a devnet with short days; during the
// first day its wallet takes WATT from the faucet and pays the node's own account. After the
// boundary the Simulate screen's export button downloads the finished day; this process then
// (1) re-applies every ledger of it from the devnet's genesis with the same ledger code and
// compares each header CID (state root, balances, pools) up to the closing ledger that pays the
// distribution, and (2) recomputes the distribution; `npm run sim -- --replay FILE --genesis G`
// then does both again from the files.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Page, expect, test } from '@playwright/test'
import { addressOf, parseAddress } from '../shared/crypto/address.ts'
import { getAccount } from '../shared/ledger/index.ts'
import { genesisFromJson } from '../shared/node/genesis-document.ts'
import { parseDayExport, replayDay } from '../shared/sim/day-export.ts'
import { replayFirstDay } from '../shared/sim/day-ledgers.ts'
import { useDevnet } from './devnet-process.ts'
import { fillPin } from './nodes.ts'

const PORT = Number(process.env.E2E_DAY_REPLAY_PORT ?? 8395)
/** Day 0 must hold the wallet's actions; raise it on a slow machine. */
const DAY_MS = Number(process.env.E2E_DAY_REPLAY_DAY_MS ?? 45_000)

const net = useDevnet([
  `--port=${PORT}`,
  '--network=e2e-day-replay',
  '--validators=1',
  '--no-headless',
  '--close-interval=1',
  `--day-length=${DAY_MS / 1000}`,
])

test.describe.configure({ timeout: 240_000 })

const walletActions = async (page: Page, to: string) => {
  await page.getByTestId('tab-wallet').click()
  await fillPin(page, 'create')
  await page.getByTestId('wallet-create').click({ timeout: 60_000 })
  await page.getByTestId('faucet-request').click()
  await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 60_000 })
  await page.getByTestId('send-to').fill(to)
  await page.getByTestId('send-amount').fill('3')
  await page.getByTestId('send-fee').fill('0.001')
  await page.getByTestId('send-submit').click()
  await expect(page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 60_000 })
  return (await page.getByTestId('wallet-address').textContent())!.trim()
}

test('a browser node exports its first day; the simulator code replays it identically', async ({
  browser,
}) => {
  const { devnet } = net
  const genesisJson: unknown = await (await fetch(`${devnet.url}/genesis`)).json()
  const genesisDoc = genesisFromJson(genesisJson)
  if (!genesisDoc.ok) throw new Error(genesisDoc.error.code)
  const config = genesisDoc.value.config
  expect(config.dayLengthMs).toBe(DAY_MS)
  const dayOf = (t: number) => Math.floor((t - config.genesisTimeMs) / DAY_MS)

  const context = net.track(await browser.newContext({ acceptDownloads: true }))
  const page = await context.newPage()
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  await page.goto(devnet.links[0]!)
  await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })

  const V = devnet.validatorAddresses[0]!
  const wallet = await walletActions(page, V)
  expect(dayOf(Date.now()), `day 0 ended before the wallet's actions: raise E2E_DAY_REPLAY_DAY_MS`).toBe(0)

  // After the boundary ledger closes, day 0 is the node's last finished day.
  await page.getByTestId('tab-sim').click()
  await page.waitForTimeout(Math.max(0, config.genesisTimeMs + DAY_MS + 3_000 - Date.now()))
  // Not under test-results/: another Playwright run may clear that while this one works.
  const dir = mkdtempSync(join(tmpdir(), 'watt-day-replay-'))
  let status = ''
  let path = ''
  await expect(async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 5_000 }),
      page.getByTestId('day-export').click(),
    ])
    path = join(dir, download.suggestedFilename())
    await download.saveAs(path)
    status = (await page.getByTestId('day-export-status').textContent()) ?? ''
  }).toPass({ timeout: 60_000, intervals: [2_000] })
  expect(status).toMatch(/^day 0: \d+ ledgers/)

  const text = readFileSync(path, 'utf8')
  const parsed = parseDayExport(text)
  if (!parsed.ok) throw new Error(parsed.error.code)
  const doc = parsed.value.doc
  expect(doc.day).toBe(0)
  expect(doc.start?.seq).toBe(1)
  const txCount = doc.ledgers.reduce((n, l) => n + l.txs.length, 0)
  expect(txCount, 'the faucet payment and the wallet payment').toBeGreaterThanOrEqual(2)

  // (1) Every ledger re-applied from genesis: identical header CIDs up to the closing one.
  const replay = await replayFirstDay(doc, config)
  expect(replay.agree, replay.agree ? '' : JSON.stringify(replay.difference)).toBe(true)
  if (!replay.agree) return
  expect(replay.ledgers).toBe(doc.ledgers.length + 1)
  expect(replay.finalHash).toBe(doc.closingHeader.cid)
  // The node's own account got the 3 WATT payment in the replayed state too.
  const account = (a: string) => {
    const pk = parseAddress(a)
    if (!pk.ok) throw new Error(pk.error.code)
    return getAccount(replay.state, addressOf(pk.value))
  }
  expect(account(V)?.balance ?? 0n).toBeGreaterThanOrEqual(30_000_000n)
  expect(account(wallet)).toBeDefined()

  // (2) The day's distribution recomputed in process, then everything again by the CLI.
  const day = replayDay(parsed.value)
  expect(day.agree, JSON.stringify(day)).toBe(true)
  const genesisFile = join(dir, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesisJson))
  const cli = spawnSync(process.execPath, ['tools/sim.ts', '--replay', path, '--genesis', genesisFile], {
    encoding: 'utf8',
  })
  expect(cli.status, cli.stdout + cli.stderr).toBe(0)
  expect(JSON.parse(cli.stdout.trim().split('\n').at(-1)!)).toMatchObject({
    agree: true,
    day: 0,
    ledgers: { agree: true, finalHash: doc.closingHeader.cid },
    ok: true,
  })
})
