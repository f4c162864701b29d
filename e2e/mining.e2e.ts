// Daily mining end to end on its own devnet with short days: 4 validators and 3 users A, B, C.
// A and B restore the devnet's two genesis seed accounts (its founding members); C is new.
// Before day D: faucet WATT, accounts for the validators' node keys, circles for A and B, each
// naming the other and C (A adds B by scanning a screenshot of B's invite QR code). During D: A,
// B and C check in with a real press-and-hold, C accepts A's invite by scanning A's QR code, A
// pays C with a fee. After the boundary every balance moved by exactly what this test's own
// reference computation of the documented formula expects (e2e/mining-reference.ts: inputs built
// from what the test did, plus the validators' signature counts that only consensus knows), every
// reward part on the Mine screen matches it, and the circle and referral parts are not zero.
import { type Browser, expect, type Page, test } from '@playwright/test'
import { miningParams } from '../shared/mining/params.ts'
import { useDevnet } from './devnet-process.ts'
import { rpc } from './ledger-pages.ts'
import { referenceRewards } from './mining-reference.ts'
import { fillPin, openNode, type TestNode } from './nodes.ts'

const PORT = Number(process.env.E2E_MINING_PORT ?? 8399)
/** Long enough for the day's actions on a slow, shared machine; raise it if D runs out. */
const DAY_MS = Number(process.env.E2E_MINING_DAY_MS ?? 90_000)
/** Seven Chromium nodes share two cores here: 2 s ledgers (a devnet's default is 1 s) leave them room. */
const CLOSE_MS = 2000
const PAY_FEE = 10_000n // 0.001 WATT
const PAY_TO_C = 20_000_000n // 2 WATT

const net = useDevnet([
  `--port=${PORT}`,
  '--network=e2e-mining',
  '--validators=4',
  '--no-headless',
  `--close-interval=${CLOSE_MS / 1000}`,
  `--day-length=${DAY_MS / 1000}`,
])

test.describe.configure({ timeout: 900_000 })

const open = async (browser: Browser, path: string): Promise<TestNode> => {
  const node = await openNode(browser, path)
  net.track(node.context)
  return node
}

const attr = async (page: Page, testid: string, name: string): Promise<string> =>
  (await page.getByTestId(testid).first().getAttribute(name)) ?? ''
const units = async (page: Page, testid: string, name = 'data-amount') =>
  BigInt(await attr(page, testid, name))

const tab = async (page: Page, id: 'wallet' | 'mine') => {
  await page.getByTestId(`tab-${id}`).click()
  if (id === 'mine') await expect(page.getByTestId('mine-screen')).toBeVisible({ timeout: 60_000 })
}

/** A new wallet, or with `phrase` a restored one (a devnet seed account), and 100 faucet WATT. */
const newFundedWallet = async (page: Page, phrase?: string): Promise<string> => {
  await tab(page, 'wallet')
  if (phrase) {
    await page.getByTestId('restore-phrase').fill(phrase)
    await fillPin(page, 'restore')
    await page.getByTestId('restore-submit').click({ timeout: 60_000 })
  } else {
    await fillPin(page, 'create')
    await page.getByTestId('wallet-create').click({ timeout: 60_000 })
  }
  const address = (await page.getByTestId('wallet-address').textContent())!.trim()
  await page.getByTestId('faucet-request').click()
  await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 120_000 })
  return address
}

const pay = async (page: Page, to: string, amount: string, fee: string) => {
  await tab(page, 'wallet')
  await page.getByTestId('send-to').fill(to)
  await page.getByTestId('send-amount').fill(amount)
  await page.getByTestId('send-fee').fill(fee)
  await page.getByTestId('send-submit').click()
  await expect(page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 60_000 })
}

/** On a failed wait: what the Mine screen says, the mining txs and the node's ledger status. */
const diagnose = async (page: Page, what: string) => {
  const text = async (id: string) =>
    page
      .getByTestId(id)
      .textContent({ timeout: 1000 })
      .catch(() => '')
  const txs = (await rpc(page, 'mining.status').catch(() => undefined))?.txs
  const ledger = await rpc(page, 'ledger.status').catch(() => undefined)
  console.log(
    `${what} stuck: message=${await text('mine-message')} note=${await text('circle-note')} txs=${JSON.stringify(txs)} ledger=${JSON.stringify(ledger)}`,
  )
}

/** A screenshot of the invite QR code on `page`'s Mine screen, as a friend's camera would see it. */
const inviteQr = async (page: Page): Promise<Buffer> => {
  await tab(page, 'mine')
  const qr = page.getByTestId('invite-qr')
  await qr.evaluate((e) => e.scrollIntoView({ block: 'center' })) // clear of the fixed tab bar
  return qr.screenshot()
}

/** Opens the scanner behind `button` and hands it the picture `png` (the photo path of the scanner). */
const scanQr = async (page: Page, button: string, png: Buffer) => {
  await page.getByTestId(button).click()
  await page
    .getByTestId('qr-scan-file')
    .setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: png })
}

/** Sets the circle: `scanned` (a member's invite QR) first when given, then the rest typed in. */
const setCircle = async (page: Page, members: string[], scanned?: Buffer) => {
  await tab(page, 'mine')
  if (scanned) {
    await scanQr(page, 'circle-scan', scanned)
    await expect(page.getByTestId('circle-list').getByTestId('circle-item')).toHaveCount(1)
  }
  for (const m of members.slice(scanned ? 1 : 0)) {
    await page.getByTestId('circle-add-input').fill(m)
    await page.getByTestId('circle-add-submit').click()
  }
  const items = page.getByTestId('circle-list').getByTestId('circle-item')
  await expect(items).toHaveCount(members.length)
  try {
    for (const m of members)
      await expect(page.locator(`[data-testid="circle-item"][data-address="${m}"]`)).toHaveAttribute(
        'data-state',
        /^(tomorrow|today)$/,
        { timeout: 60_000 },
      )
  } catch (e) {
    await diagnose(page, 'setCircle')
    throw e
  }
}

/** A real press-and-hold: trusted pointer events from the browser's input pipeline. */
const holdToCheckIn = async (page: Page) => {
  await tab(page, 'mine')
  const button = page.getByTestId('mine-button')
  await expect(button).toHaveAttribute('data-state', 'idle')
  await button.hover() // scrolls it into view: filling the circle form scrolled the page down
  await page.mouse.down()
  await expect(button).toHaveAttribute('data-state', 'holding')
  await page.waitForTimeout(1900)
  await page.mouse.up()
  try {
    await expect(page.getByTestId('mine-status')).toHaveText(/^active today/, { timeout: 60_000 })
  } catch (e) {
    await diagnose(page, 'check-in')
    throw e
  }
}

const waitLedgerDay = async (page: Page, day: number) => {
  await tab(page, 'mine')
  await expect(page.getByTestId('mine-screen')).toHaveAttribute('data-ledger-day', String(day), {
    timeout: DAY_MS * 2,
  })
}

// A and B act on day D at once, each waiting on its own node's applied status: on two shared
// cores every click waits seconds, and done one after another the actions outgrew the day.
test('a mining day: check-ins, circles, an invite and fees, paid out to the unit at the boundary', async ({
  browser,
}) => {
  const { devnet } = net
  const { url } = devnet
  const genesis = (await (await fetch(`${url}/genesis`)).json()) as {
    config: { genesisTimeMs: number; dayLengthMs: number; params: { mining: unknown } }
  }
  const { genesisTimeMs } = genesis.config
  expect(genesis.config.dayLengthMs).toBe(DAY_MS)
  // the network's mining parameters are the ones /genesis serves, every field written out
  const params = miningParams.parse(genesis.config.params.mining)
  if (!params.ok) throw new Error(`genesis mining params: ${params.error.field}`)
  expect(Object.keys(genesis.config.params.mining as object).sort()).toEqual([...miningParams.names].sort())
  const dayOf = (t: number) => Math.floor((t - genesisTimeMs) / DAY_MS)

  const validators: TestNode[] = []
  for (const l of devnet.links) validators.push(await open(browser, l))
  const [a, b, c] = await Promise.all([
    open(browser, `${url}/`),
    open(browser, `${url}/`),
    open(browser, `${url}/`),
  ])
  // one faucet account serves the devnet: its payments go one after another
  // A and B are the founding members the devnet's genesis names as trust seeds
  expect(devnet.seeds.length).toBe(2)
  const A = await newFundedWallet(a.page, devnet.seeds[0]!.phrase)
  const B = await newFundedWallet(b.page, devnet.seeds[1]!.phrase)
  expect([A, B]).toEqual(devnet.seeds.map((x) => x.address))
  const C = await newFundedWallet(c.page)
  const V = devnet.validatorAddresses
  // circle members must have accounts; V[2] and V[3] get theirs from their first node reward.
  // From here the users act at once, each waiting on its own ledger-applied status.
  await Promise.all([pay(a.page, V[0]!, '1', ''), pay(b.page, V[1]!, '1', '')])
  // A adds B by scanning B's invite QR code; on day D, C accepts A's invite by scanning A's
  const [qrA, qrB] = [await inviteQr(a.page), await inviteQr(b.page)]
  await Promise.all([setCircle(a.page, [B, C, V[0]!], qrB), setCircle(b.page, [A, C, V[1]!])])
  for (const v of validators) await tab(v.page, 'mine')
  await tab(c.page, 'mine')

  // day D starts fresh: every action below falls inside it
  const D = dayOf(Date.now()) + 1
  await waitLedgerDay(a.page, D)
  const feePool0 = await units(a.page, 'mine-screen', 'data-fee-pool')
  const phase1 = await units(a.page, 'mine-screen', 'data-phase1')

  await Promise.all([
    (async () => {
      await holdToCheckIn(a.page)
      await pay(a.page, C, '2', '0.001')
      await tab(a.page, 'mine')
    })(),
    holdToCheckIn(b.page),
    (async () => {
      await holdToCheckIn(c.page)
      await scanQr(c.page, 'invite-scan', qrA)
      await expect(c.page.getByTestId('invited-by')).toContainText(A.slice(0, 8), { timeout: 60_000 })
    })(),
  ])
  // check-ins and the invite go fee-free while ledgers have room (W8): only A's payment paid
  const feesInD = PAY_FEE
  const late = `day ${D} ended before its actions were done: raise E2E_MINING_DAY_MS`
  expect(dayOf(Date.now()), late).toBe(D) // else C's balance below would include D's reward

  await expect(c.page.getByTestId('mine-balance')).toHaveAttribute(
    'data-amount',
    String(1_000_000_000n + PAY_TO_C),
    { timeout: 60_000 },
  )
  const before = new Map<string, bigint>()
  for (const [page, addr] of [
    [a.page, A],
    [b.page, B],
    [c.page, C],
  ] as const)
    before.set(addr, await units(page, 'mine-balance'))
  for (const [i, v] of validators.entries())
    before.set(V[i]!, await units(v.page, 'mine-node', 'data-balance'))
  expect(dayOf(Date.now()), late).toBe(D)
  expect(await attr(a.page, 'mine-screen', 'data-ledger-day')).toBe(String(D))

  for (const n of [a, b, c]) await waitLedgerDay(n.page, D + 1)
  const uptime = []
  for (const [i, v] of validators.entries()) {
    await waitLedgerDay(v.page, D + 1)
    const el = v.page.getByTestId('mine-node-uptime')
    await expect(el).toHaveAttribute('data-day', String(D))
    uptime.push({
      account: V[i]!,
      signed: Number(await el.getAttribute('data-signed')),
      ledgers: Number(await el.getAttribute('data-ledgers')),
    })
  }
  const ledgersInDay = uptime[0]!.ledgers
  expect(uptime.every((u) => u.ledgers === ledgersInDay && u.signed <= ledgersInDay)).toBe(true)
  expect(ledgersInDay).toBeGreaterThan(DAY_MS / CLOSE_MS / 4)

  // the day as the test made it; only the signature counts come from the nodes
  const expected = referenceRewards(
    {
      day: D,
      checkedIn: [A, B, C],
      holdCheckIns: [A, B, C], // all pressed and held: the weaker presence kind
      circles: new Map([
        [A, [B, C, V[0]!]],
        [B, [A, C, V[1]!]],
      ]),
      invites: new Map([[C, A]]),
      signed: new Map(uptime.filter((u) => u.signed > 0).map((u) => [u.account, u.signed])),
      ledgersInDay,
      seeds: [A, B],
      feePool: feePool0 + feesInD,
      phase1Remaining: phase1,
    },
    params.value,
  )
  const total = (a: string) => expected.get(a)?.total ?? 0n
  // A and B vouch for each other and for C, all three active: circle parts; C is A's invitee
  expect(expected.get(A)!.circle).toBeGreaterThan(0n)
  expect(expected.get(B)!.circle).toBeGreaterThan(0n)
  expect(expected.get(A)!.referral).toBeGreaterThan(0n)
  expect(expected.get(C)!.score).toBeGreaterThanOrEqual(BigInt(params.value.scoreThresholdPpm))
  expect(expected.size).toBeGreaterThanOrEqual(3 + 3) // A, B, C and at least 3 signing validators

  const after = new Map<string, bigint>()
  for (const [page, addr] of [
    [a.page, A],
    [b.page, B],
    [c.page, C],
  ] as const)
    after.set(addr, await units(page, 'mine-balance'))
  for (const [i, v] of validators.entries())
    after.set(V[i]!, await units(v.page, 'mine-node', 'data-balance'))
  const got = Object.fromEntries([...after].map(([k, x]) => [k, String(x - before.get(k)!)]))
  const want = Object.fromEntries([...after.keys()].map((k) => [k, String(total(k))]))
  expect(got).toEqual(want)

  // the day's slice left phase 1, and the fee pool went into the distribution: only the rounding
  // remainder is left (day D is far from phase 1's last day, so the slice is the whole emission)
  const emission = params.value.phase1Pool / BigInt(params.value.phase1Days)
  const paid = [...expected.values()].reduce((x, r) => x + r.total, 0n)
  const remainder = feePool0 + feesInD + emission - paid
  expect(phase1 - (await units(a.page, 'mine-screen', 'data-phase1'))).toBe(emission)
  expect(await units(a.page, 'mine-screen', 'data-fee-pool')).toBe(remainder)
  expect(remainder).toBeLessThan(BigInt(2 * expected.size))

  // every part of each user's reward row, as the ledger recorded it, to the unit
  for (const [page, addr] of [
    [a.page, A],
    [b.page, B],
    [c.page, C],
  ] as const) {
    const item = page.getByTestId('reward-history').locator(`[data-testid="reward-item"][data-day="${D}"]`)
    const r = expected.get(addr)!
    await expect(item).toHaveAttribute('data-amount', String(r.total))
    for (const part of ['base', 'circle', 'referral', 'node', 'fee'] as const)
      await expect(item).toHaveAttribute(`data-${part}`, String(r[part]))
  }

  await a.page.screenshot({ path: 'e2e/artifacts/mine-phone.png', fullPage: true })
  await a.page.setViewportSize({ width: 1280, height: 800 })
  await a.page.screenshot({ path: 'e2e/artifacts/mine-desktop.png', fullPage: true })
})
