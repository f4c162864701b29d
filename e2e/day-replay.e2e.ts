// W24 end to end: a real devnet's third day, written by `npm run devnet -- --export-days DIR` as
// it finishes, replays in the simulator's code with identical header CIDs. One headless
// validator (the devnet's own) on short days; a second browser node (a watcher tab, the user's)
// takes WATT from the faucet and pays the validator's account during day 2. After the day-2
// boundary the devnet has written days 0, 1 and 2 to DIR; this process (1) re-applies day 2 from
// the start state the export carries (checked against its start header's state root and CID;
// that header is day 1's last ledger) and compares every header CID up to the closing ledger
// that pays the distribution, (2) recomputes the distribution, (3) runs `npm run sim -- --replay
// FILE` (under the export's own genesis config, then under `/genesis`); and the watcher's own
// export of day 2 (the Simulate screen's button) names the same ledgers.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { addressOf, parseAddress } from '../shared/crypto/address.ts'
import { getAccount } from '../shared/ledger/index.ts'
import { genesisFromJson } from '../shared/node/genesis-document.ts'
import { type DayExport, parseDayExport, replayDay } from '../shared/sim/day-export.ts'
import { replayExportedDay } from '../shared/sim/day-ledgers.ts'
import { dayFileName } from '../tools/day-exports.ts'
import { useDevnet } from './devnet-process.ts'
import { fillPin, openNode } from './nodes.ts'

const PORT = Number(process.env.E2E_DAY_REPLAY_PORT ?? 8395)
/** The watcher must be ready before day 2 and day 2 must hold its actions: raise it on a slow machine. */
const DAY_MS = Number(process.env.E2E_DAY_REPLAY_DAY_MS ?? 30_000)
const NETWORK = 'e2e-day-replay'
const DAY = 2
// Not under test-results/: another Playwright run may clear that while this one works. Emptied
// first, so no file of an earlier run can stand in for this one's.
const DIR = join(tmpdir(), `watt-day-replay-${PORT}`)
test.beforeAll(() => rmSync(DIR, { recursive: true, force: true }))

const net = useDevnet([
  `--port=${PORT}`,
  `--network=${NETWORK}`,
  '--validators=1',
  '--close-interval=1',
  `--day-length=${DAY_MS / 1000}`,
  `--export-days=${DIR}`,
])

test.describe.configure({ timeout: 240_000 })

const pay = async (page: Page, to: string) => {
  await page.getByTestId('faucet-request').click()
  await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 30_000 })
  await page.getByTestId('send-to').fill(to)
  await page.getByTestId('send-amount').fill('3')
  await page.getByTestId('send-fee').fill('0.001')
  await page.getByTestId('send-submit').click()
  await expect(page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 30_000 })
}

const readDay = (day: number): DayExport => {
  const parsed = parseDayExport(readFileSync(join(DIR, dayFileName(NETWORK, day)), 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.code)
  return parsed.value.doc
}

/** The watcher's own export of its last finished day, from the Simulate screen's button. */
const watcherExport = async (page: Page): Promise<DayExport> => {
  await page.getByTestId('tab-sim').click()
  let path = ''
  await expect(async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 5_000 }),
      page.getByTestId('day-export').click(),
    ])
    path = join(DIR, `watcher-${download.suggestedFilename()}`)
    await download.saveAs(path)
    expect(await page.getByTestId('day-export-status').textContent()).toMatch(/^day 2: \d+ ledgers/)
  }).toPass({ timeout: 60_000, intervals: [2_000] })
  const parsed = parseDayExport(readFileSync(path, 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.code)
  return parsed.value.doc
}

const sim = (args: string[]) => {
  const r = spawnSync(process.execPath, ['tools/sim.ts', '--replay', ...args], { encoding: 'utf8' })
  expect(r.status, r.stdout + r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

test("a devnet's third day, exported by --export-days, replays with identical header CIDs", async ({
  browser,
}) => {
  const { devnet } = net
  const genesisJson: unknown = await (await fetch(`${devnet.url}/genesis`)).json()
  const genesisDoc = genesisFromJson(genesisJson)
  if (!genesisDoc.ok) throw new Error(genesisDoc.error.code)
  const config = genesisDoc.value.config
  expect(config.dayLengthMs).toBe(DAY_MS)
  const dayOf = (t: number) => Math.floor((t - config.genesisTimeMs) / DAY_MS)

  const watcher = await openNode(browser, `${devnet.url}/`)
  net.track(watcher.context)
  const { page } = watcher
  await page.getByTestId('tab-wallet').click()
  await fillPin(page, 'create')
  await page.getByTestId('wallet-create').click({ timeout: 60_000 })
  const wallet = (await page.getByTestId('wallet-address').textContent())!.trim()
  expect(
    dayOf(Date.now()),
    'the watcher was not ready before day 2: raise E2E_DAY_REPLAY_DAY_MS',
  ).toBeLessThan(DAY)
  await page.waitForTimeout(Math.max(0, config.genesisTimeMs + DAY * DAY_MS + 500 - Date.now()))
  const V = devnet.validatorAddresses[0]!
  await pay(page, V)
  expect(dayOf(Date.now()), `day 2 ended before the wallet's actions: raise E2E_DAY_REPLAY_DAY_MS`).toBe(DAY)

  // The devnet writes each day as it finishes: day 2's file appears after its boundary ledger.
  const file = join(DIR, dayFileName(NETWORK, DAY))
  await expect.poll(() => existsSync(file), { timeout: DAY_MS + 30_000, intervals: [1_000] }).toBe(true)
  const doc = readDay(DAY)
  const previous = readDay(DAY - 1)
  expect(existsSync(join(DIR, dayFileName(NETWORK, 0)))).toBe(true)
  expect(doc.day).toBe(DAY)
  // day 2 starts at day 1's last ledger, and day 1's closing ledger is day 2's first
  expect(doc.start?.cid).toBe(previous.ledgers.at(-1)!.headerCid)
  expect(previous.closingLedger?.headerCid).toBe(doc.ledgers[0]!.headerCid)
  const txCount = doc.ledgers.reduce((n, l) => n + l.txs.length, 0)
  expect(txCount, 'the faucet payment and the wallet payment').toBeGreaterThanOrEqual(2)

  // (1) Every ledger re-applied from the start snapshot: identical header CIDs up to the closing one.
  const replay = await replayExportedDay(doc, config)
  expect(replay.agree, replay.agree ? '' : JSON.stringify(replay.difference)).toBe(true)
  if (!replay.agree) return
  expect(replay.ledgers).toBe(doc.ledgers.length + 1)
  expect(replay.finalHash).toBe(doc.closingHeader.cid)
  const account = (a: string) => {
    const pk = parseAddress(a)
    if (!pk.ok) throw new Error(pk.error.code)
    return getAccount(replay.state, addressOf(pk.value))
  }
  expect(account(V)?.balance ?? 0n, "the validator's account got the 3 WATT").toBeGreaterThanOrEqual(
    30_000_000n,
  )
  expect(account(wallet)).toBeDefined()

  // (2) The distribution recomputed; (3) the CLI, under the export's config and under /genesis.
  const parsed = parseDayExport(readFileSync(file, 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.code)
  expect(replayDay(parsed.value).agree).toBe(true)
  const expected = {
    agree: true,
    day: DAY,
    ledgers: { agree: true, from: doc.start!.seq, finalHash: doc.closingHeader.cid },
    ok: true,
  }
  expect(sim([file])).toMatchObject(expected)
  const genesisFile = join(DIR, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesisJson))
  expect(sim([file, '--genesis', genesisFile])).toMatchObject(expected)

  // The watcher recorded the same day: the same ledgers, start and closing header.
  const own = await watcherExport(page)
  expect(own.ledgers.map((l) => l.headerCid)).toEqual(doc.ledgers.map((l) => l.headerCid))
  expect([own.start?.cid, own.closingHeader.cid]).toEqual([doc.start?.cid, doc.closingHeader.cid])
})
