// Crash safety of a node (issues 3, 20): the one validator of a devnet closes ledgers of payments
// streamed to it while its browser is killed (SIGKILL to Chromium's process group: no unload, no
// flush) at seeded random moments, again and again (CRASH_CYCLES); then it stores files whose
// sectors are killed mid-seal (SEAL_KILLS; `npm run soak` runs 100 kills in all).
// After each reopen of the same profile the node must be at a consistent closed ledger: the seq
// and hash it reports are stored, the stored state's root is the last header's, that seq never
// went back, and replaying the stored history from genesis (every tx set re-checked and
// re-applied here with the pure shared/ledger code) gives exactly the stored headers; then the
// node goes on closing. A sector killed mid-seal is sealing again (from a checkpoint or layer 1)
// or sealed, never failed; in the end every sector is sealed with a seal proof that verifies, a
// window proves them all, and each file comes back by its CID (computed here, as `ipfs add`
// does) with the bytes stored. Seed: CRASH_SEED (printed).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { cidString } from '../shared/codec/dag-cbor.ts'
import { addressOf } from '../shared/crypto/address.ts'
import {
  type Amount,
  encodeTx,
  genesisState,
  headerCid,
  type Operation,
  replayLedgers,
  type ReplayLedger,
  signTx,
  stateFromLoaded,
  watt,
} from '../shared/ledger/index.ts'
import { decodeEntryBytes, decodeHeaderBytes, decodeLedgerBytes } from '../shared/ledger/store.ts'
import { nodeSigner, nodeVerifier } from '../shared/ledger/test/node-ed25519.ts'
import { genesisFromJson, type GenesisDocument } from '../shared/node/genesis-document.ts'
import { networkEnv } from '../shared/node/protocol.ts'
import { fromHex } from '../shared/util/bytes.ts'
import { importFile } from '../shared/storage/unixfs-import.ts'
import { createRng } from '../shared/util/prng.ts'
import { useDevnet } from './devnet-process.ts'
import { hardKill, launchProfile, readStore, type Snapshot } from './hard-kill.ts'

const PORT = Number(process.env.E2E_LEDGER_CRASH_PORT ?? 8398)
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000_007)
const CYCLES = Number(process.env.CRASH_CYCLES ?? 10)
const SEAL_KILLS = Number(process.env.SEAL_KILLS ?? 3)
/** Kills land up to this long after a sector began sealing (a 4 MiB sector seals in ~8 s here). */
const SEAL_MS = 6000
const MiB = 1 << 20
const ACCOUNTS = 60

const net = useDevnet([`--port=${PORT}`, '--network=e2e-crash', '--no-headless', '--close-interval=1'])
let profile: string
let context: BrowserContext | undefined

test.describe.configure({ timeout: Number(process.env.CRASH_TIMEOUT_MS ?? 420_000) })

test.beforeAll(() => {
  profile = mkdtempSync(join(tmpdir(), 'watt-crash-'))
})

test.afterAll(async () => {
  await context?.close().catch(() => {})
  rmSync(profile, { recursive: true, force: true })
})

type Rpc = { call(method: string, params?: unknown): Promise<unknown> }
type Call = readonly [string, unknown]
/** Runs RPC calls in the page, in order; each gives its result or `{ error: code }`. */
const rpcAll = (page: Page, calls: readonly Call[]) =>
  page.evaluate(async (cs) => {
    const core = (globalThis as unknown as { wattCore: Rpc }).wattCore
    const out: unknown[] = []
    for (const [m, p] of cs) {
      out.push(await core.call(m, p).catch((e: { code?: string }) => ({ error: e?.code ?? String(e) })))
    }
    return out
  }, calls as Call[])

interface Status {
  seq: number
  hash: string
}
const status = async (page: Page) => (await rpcAll(page, [['ledger.status', null]]))[0] as Status | undefined

/** A persistent context on the test's profile (the node's keys and IndexedDB survive it). */
const openProfile = async (path: string): Promise<Page> => {
  const opened = await launchProfile(profile)
  context = opened.context
  const { page } = opened
  await page.goto(path)
  await expect
    .poll(async () => (await status(page).catch(() => undefined))?.seq ?? 0, { timeout: 90_000 })
    .toBeGreaterThan(0)
  return page
}

/** Checks a reopened node's store; returns its last closed seq and how many payments it holds. */
const checkStore = async (doc: GenesisDocument, snap: Snapshot, reported: Status) => {
  const headers = new Map(snap.headers.map(([k, v]) => [k, decodeHeaderBytes(fromHex(v))]))
  const ledgers = new Map(snap.ledgers.map(([k, v]) => [k, decodeLedgerBytes(fromHex(v))]))
  const last = headers.get(snap.last)!
  expect(last, 'the last pointer names a stored header').toBeDefined()
  expect(snap.last, 'the store holds what the node reports').toBeGreaterThanOrEqual(reported.seq)
  expect(cidString(headerCid(headers.get(reported.seq)!)), 'reported hash').toBe(reported.hash)
  const loaded = stateFromLoaded({
    header: last,
    entries: snap.entries.map(([k, v]) => decodeEntryBytes(k, fromHex(v))),
  })
  expect(loaded.ok, 'stored entries hash to the last header state root').toBe(true)
  const env = networkEnv(doc.config)
  const genesis = genesisState(doc.config, env.protocol).state
  expect(cidString(headerCid(headers.get(1)!)), 'stored genesis').toBe(cidString(genesis.headerCid))
  const history: ReplayLedger[] = []
  let payments = 0
  for (let seq = 2; seq <= snap.last; seq++) {
    const l = ledgers.get(seq)
    expect(l && headers.has(seq), `ledger ${seq} is stored`).toBeTruthy()
    history.push({ header: headers.get(seq)!, txSet: l!.txSet, signers: l!.signers, upgrades: l!.upgrades })
    payments += l!.results.filter((r) => r.ok).length
  }
  const replay = await replayLedgers(genesis, history, env, { verifier: nodeVerifier })
  expect(replay.ok ? 'ok' : replay.error, 'replay of the stored history').toBe('ok')
  if (replay.ok) expect(cidString(replay.value.headerCid)).toBe(cidString(headerCid(last)))
  return { seq: snap.last, payments }
}

test('the validator survives being killed at random moments while it applies payments', async () => {
  console.log(`ledger crash e2e seed ${SEED} (CRASH_SEED=${SEED} reproduces the kill times)`)
  const rng = createRng(SEED)
  const { devnet } = net
  const doc = genesisFromJson(await (await fetch(`${devnet.url}/genesis`)).json())
  if (!doc.ok) throw new Error(doc.error.code)
  const { config } = doc.value
  const dbName = `watt-ledger-${config.networkId}`
  const faucet = nodeSigner(doc.value.faucetSecret!)
  const users = Array.from({ length: ACCOUNTS }, (_, i) => nodeSigner(createRng(SEED + i + 1).bytes(32)))
  const body = (source: Uint8Array, seq: bigint, ops: Operation[]) => ({
    network: config.networkId,
    source: source as never,
    seq,
    fee: (config.minFeePerOp * BigInt(ops.length)) as Amount,
    minTimeMs: 0,
    maxTimeMs: 0,
    memo: new Uint8Array(0),
    ops,
  })

  let page: Page | undefined = await openProfile(devnet.links[0]!)
  await expect(page.getByTestId('node-role')).toHaveText('validator', { timeout: 60_000 })
  const fund = await signTx(
    body(
      faucet.publicKey,
      1n,
      users.map((u) => ({ type: 'createAccount', dest: u.publicKey, amount: watt(1000n) }) as Operation),
    ),
    [faucet],
  )
  const [funded] = await rpcAll(page, [['ledger.submit', { tx: encodeTx(fund) }]])
  expect((funded as { error?: string })?.error).toBeUndefined()
  const accountCalls = users.map((u) => ['ledger.account', { address: addressOf(u.publicKey) }] as const)
  await expect
    .poll(async () => (await rpcAll(page!, accountCalls.slice(-1)))[0], { timeout: 60_000 })
    .not.toBeNull()

  // the payment stream: every round, one payment from each account at its next seq
  let streaming = true
  let submitted = 0
  const stream = (async () => {
    const payRng = rng.fork(1)
    while (streaming) {
      const p = page
      try {
        if (p) {
          const accounts = (await rpcAll(p, accountCalls)) as ({ seq: string } | null)[]
          const txs = await Promise.all(
            users.map(async (u, i) => {
              const op = { type: 'payment', dest: payRng.pick(users).publicKey, amount: 1000n + BigInt(i) }
              const tx = await signTx(body(u.publicKey, BigInt(accounts[i]?.seq ?? 0) + 1n, [op]), [u])
              return ['ledger.submit', { tx: encodeTx(tx) }] as const
            }),
          )
          const r = await rpcAll(p, txs)
          submitted += r.filter((x) => !(x as { error?: string })?.error).length
        }
      } catch {
        // the page was closed under the call: the next round uses the reopened one
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  })()

  let lastSeen = 0
  let checked = { seq: 0, payments: 0 }
  const started = Date.now()
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const delay = 500 + rng.int(3000)
    await page.waitForTimeout(delay)
    lastSeen = (await status(page))?.seq ?? lastSeen
    page = undefined
    await hardKill(context!, profile) // the whole browser goes, its worker mid-apply or mid-commit or idle
    page = await openProfile(devnet.url)
    const reported = (await status(page))!
    checked = await checkStore(doc.value, await readStore(page, dbName), reported)
    expect(checked.seq, 'the last closed ledger never goes back').toBeGreaterThanOrEqual(lastSeen)
    console.log(
      `cycle ${cycle}: killed after ${delay} ms at seq >= ${lastSeen}; reopened at ${reported.seq}, ` +
        `stored ${checked.seq}, replayed ok (${checked.payments} payments so far)`,
    )
    await expect
      .poll(async () => (await status(page!))?.seq ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(checked.seq)
  }
  streaming = false
  await stream
  console.log(
    `${CYCLES} kill cycles in ${Math.round((Date.now() - started) / 1000)} s; ${submitted} payments accepted, ` +
      `${checked.payments} applied by seq ${checked.seq}`,
  )
  expect(checked.payments, 'payments were being applied').toBeGreaterThan(CYCLES * ACCOUNTS)
})

interface SectorSeen {
  sector: number
  state: string
  layer: number
  sealProof?: string
  error?: string
  resumedFromLayer?: number
}
interface StorageSeen {
  sectors: SectorSeen[]
  post: { ok: boolean; proven: number[] } | null
}
const storageView = async (page: Page) => (await rpcAll(page, [['storage.view', null]]))[0] as StorageSeen

/** Stores `bytes` as a file through the node's RPC (as the Store button does); its CID or the error. */
const storeBytes = (page: Page, bytes: Uint8Array, name: string) =>
  page.evaluate(
    async ([b64, fileName]) => {
      const core = (globalThis as unknown as { wattCore: Rpc }).wattCore
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const file = new File([data], fileName, { type: 'application/octet-stream' })
      const r = await core
        .call('storage.store', { file })
        .catch((e: { code?: string }) => ({ error: e?.code }))
      return r as { cid?: string; sectors?: number[]; error?: string }
    },
    [Buffer.from(bytes).toString('base64'), name] as const,
  )

/** Retrieves `cid` through the node and hashes what came back (SHA-256 hex), or the error code. */
const retrieveDigest = (page: Page, cid: string) =>
  page.evaluate(async (c) => {
    const core = (globalThis as unknown as { wattCore: Rpc }).wattCore
    try {
      const r = (await core.call('storage.retrieve', { cid: c })) as { blob: Blob }
      const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await r.blob.arrayBuffer()))
      return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('')
    } catch (e) {
      return `error ${(e as { code?: string }).code}`
    }
  }, cid)

const isSealed = (s: SectorSeen) => s.state === 'sealed' || s.state === 'proving'

/** After a reopen: no sector failed, none went back from sealed, each is sealing again or sealed. */
const checkSectors = (before: readonly SectorSeen[], after: readonly SectorSeen[]) => {
  for (const b of before) {
    const a = after.find((x) => x.sector === b.sector)
    expect(a, `sector ${b.sector} is still listed`).toBeDefined()
    expect(a!.error, `sector ${b.sector} error`).toBeUndefined()
    expect(a!.sealProof ?? 'ok', `sector ${b.sector} seal proof`).toBe('ok')
    expect(['sealing', 'sealed', 'proving'], `sector ${b.sector} state`).toContain(a!.state)
    if (isSealed(b)) expect(isSealed(a!), `sector ${b.sector} stays sealed`).toBe(true)
  }
}

test('sectors killed while they seal seal again or stay sealed, prove, and give their files back', async () => {
  const rng = createRng(SEED).fork(2)
  const { devnet } = net
  const doc = genesisFromJson(await (await fetch(`${devnet.url}/genesis`)).json())
  if (!doc.ok) throw new Error(doc.error.code)
  const dbName = `watt-ledger-${doc.value.config.networkId}`
  await context?.close() // the payments test's browser, if it ran
  // the validator's link (its key is imported once; a profile that has it already keeps it)
  let page = await openProfile(devnet.links[0]!)
  await expect(page.getByTestId('node-role')).toHaveText('validator', { timeout: 60_000 })
  const [offer] = await rpcAll(page, [['storage.setOffer', { offerBytes: 1 << 30 }]])
  expect((offer as { error?: string }).error).toBeUndefined()
  const files: { cid: string; sha: string }[] = []
  let closed = 0
  for (let kill = 1; kill <= SEAL_KILLS; kill++) {
    // a new 1 MiB file fills a new 4 MiB sector, which seals from layer 1
    const bytes = createRng(SEED + 1000 + kill).bytes(MiB)
    const cid = (await importFile([bytes])).cid.toString()
    const stored = await storeBytes(page, bytes, `kill-${kill}.bin`)
    expect(stored.error, `file ${kill} stored`).toBeUndefined()
    expect(stored.cid, `file ${kill}: the CID ipfs add gives`).toBe(cid)
    files.push({ cid, sha: createHash('sha256').update(bytes).digest('hex') })
    const mine = (s: SectorSeen) => stored.sectors!.includes(s.sector)
    await expect
      .poll(
        async () =>
          (await storageView(page)).sectors.some((s) => mine(s) && s.state === 'sealing' && s.layer >= 1),
        {
          timeout: 60_000,
        },
      )
      .toBe(true)
    const delay = rng.int(SEAL_MS)
    await page.waitForTimeout(delay)
    const before = (await storageView(page)).sectors
    const lastSeen = (await status(page))?.seq ?? 0
    await hardKill(context!, profile)
    page = await openProfile(devnet.url)
    const reported = (await status(page))! // before the store is read: the node may close meanwhile
    const checked = await checkStore(doc.value, await readStore(page, dbName), reported)
    expect(checked.seq, 'the last closed ledger never goes back').toBeGreaterThanOrEqual(lastSeen)
    closed = checked.seq
    const after = (await storageView(page)).sectors
    checkSectors(before, after)
    const at = (xs: readonly SectorSeen[]) =>
      xs
        .map(
          (x) =>
            `${x.sector}:${x.state}@${x.layer}${x.resumedFromLayer ? ` (resumed ${x.resumedFromLayer})` : ''}`,
        )
        .join(' ')
    console.log(
      `seal kill ${kill}: after ${delay} ms, sectors ${at(before)}; reopened: ${at(after)}, ledger replayed ok`,
    )
  }
  await expect
    .poll(async () => (await storageView(page)).sectors.every((s) => isSealed(s) && s.sealProof === 'ok'), {
      timeout: 300_000,
    })
    .toBe(true)
  const sectors = (await storageView(page)).sectors.map((s) => s.sector)
  await expect
    .poll(
      async () => {
        const post = (await storageView(page)).post
        return post?.ok === true && sectors.every((n) => post.proven.includes(n))
      },
      { timeout: 120_000 },
    )
    .toBe(true)
  for (const f of files) expect(await retrieveDigest(page, f.cid), `file ${f.cid}`).toBe(f.sha)
  await expect.poll(async () => (await status(page))?.seq ?? 0, { timeout: 60_000 }).toBeGreaterThan(closed)
})
