// A local WATT devnet: a fresh genesis naming N validators (keys made here) and M seed accounts
// (the founding members where mining trust starts: recovery phrases made here, for whoever runs
// the devnet to restore in a wallet), the relay serving the PWA, the genesis and one-time
// enrollment links, and N headless Chromium nodes that open their links and become those
// validators. Used by `npm start` and by the e2e suite. With `exportDays`, each finished day of
// the first validator is written to that folder (day-exports.ts).
import { randomBytes } from 'node:crypto'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { mkdirSync } from 'node:fs'
import { type Browser, chromium, type Page } from '@playwright/test'
import { addressOf } from '../shared/crypto/address.ts'
import { makeGenesisConfig, watt } from '../shared/ledger/index.ts'
import { genesisToJson } from '../shared/node/genesis-document.ts'
import { defaultParams } from '../shared/node/protocol.ts'
import { phraseFromEntropy, secretFromPhrase } from '../worker/wallet/mnemonic.ts'
import { twoThirds } from '../shared/quorum/threshold.ts'
import type { NodeId, QuorumSet } from '../shared/scp/index.ts'
import { toHex } from '../shared/util/bytes.ts'
import { startRelay, type RelayHandle } from '../relay/server.ts'
import { CHROMIUM_ARGS, findChromium } from './chromium.ts'
import { type DayExporter, exportDays } from './day-exports.ts'

export interface DevnetOptions {
  port: number
  host: string
  network: string
  validators: number
  /** Seed accounts to name in genesis (mining's `seedAccounts`), each from a new recovery phrase (default 2). */
  seedAccounts?: number
  /** Launch the validators as headless Chromium nodes (else only print their links). */
  headless?: boolean
  closeIntervalMs: number
  dayLengthMs: number
  /** Devnet convenience: the validators admit every valid request to become a validator. */
  autoAdmit?: boolean
  staticDir: string
  /** Write each finished day's export to this folder (from the first headless validator). */
  exportDays?: string
  /** Market parameters over DEVNET_MARKET's (genesis `params.market`). */
  market?: Readonly<Record<string, number>>
  log: (line: string) => void
}

export interface Devnet {
  relay: RelayHandle
  /** One-time links; the headless validators have used theirs. */
  links: string[]
  browser: Browser | undefined
  validatorAddresses: string[]
  /** The seed accounts and their recovery phrases (devnet secrets, like the faucet key). */
  seeds: { address: string; phrase: string }[]
  stop(): Promise<void>
}

/** One headless Chromium page per link (none when no Chromium is found: the links are printed). */
const launchValidators = async (
  links: readonly string[],
  log: (line: string) => void,
): Promise<{ browser?: Browser; pages: Page[] }> => {
  const executablePath = findChromium()
  if (!executablePath) {
    log(
      'No Chromium found for the headless validators: install Debian\'s "chromium" package or set CHROMIUM_PATH,',
    )
    log('or run `npm start -- --validators 0` and open the printed link to make your own tab the validator.')
    return { pages: [] }
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  const pages: Page[] = []
  for (const link of links) {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.on('pageerror', (e) => log(`validator page error: ${e.message}`))
    await page.goto(link)
    pages.push(page)
  }
  return { browser, pages }
}

/** Fresh founding members: a recovery phrase each and the account it restores (worker/wallet). */
const makeSeeds = async (count: number, signerOf: (secret: Uint8Array) => { publicKey: Uint8Array }) => {
  const seeds: { address: string; phrase: string }[] = []
  for (let i = 0; i < count; i++) {
    const words = phraseFromEntropy(new Uint8Array(randomBytes(32)))
    const secret = await secretFromPhrase(words)
    seeds.push({ address: addressOf(signerOf(secret).publicKey), phrase: words.join(' ') })
  }
  return seeds
}

/**
 * A devnet's market runs in seconds (docs/market.md): proving periods of 20 ledgers in windows of
 * 10 (a proof has 10 ledgers to land: 4 were too few for a loaded laptop running eight browser
 * nodes, whose window proofs then came late), tickets good for 256 ledgers (a slow machine
 * sealing a 16 MiB sector for minutes still pre-commits in time).
 */
export const DEVNET_MARKET = { provingPeriodLedgers: 20, windowLedgers: 10, ticketMaxAge: 256 } as const

/**
 * A devnet's payment channels (docs/retrieval.md) live in seconds too: a channel may be as short
 * as 30 ledgers and its dispute window is 30 ledgers (30 s at the devnet's 1 s closes), so a
 * closed channel's rest is back within half a minute.
 */
export const DEVNET_RETRIEVAL = { minChannelLedgers: 30, settleLedgers: 30 } as const

export const startDevnet = async (o: DevnetOptions): Promise<Devnet> => {
  if (o.exportDays !== undefined && (o.validators === 0 || o.headless === false))
    throw new Error('--export-days needs headless validators (not --no-headless or --validators 0)')
  const count = Math.max(1, o.validators)
  const keys = await Promise.all(Array.from({ length: count }, () => generateKeyPair('Ed25519')))
  const validatorAddresses = keys.map((k) => addressOf(k.publicKey.raw))
  const faucetSecret = new Uint8Array(randomBytes(32))
  const { nobleSigner } = await import('../shared/crypto/noble.ts')
  const seeds = await makeSeeds(o.seedAccounts ?? 2, nobleSigner)
  const params = defaultParams()
  const config = makeGenesisConfig({
    networkId: o.network,
    genesisTimeMs: Date.now(),
    reserveAddress: addressOf(new Uint8Array(randomBytes(32))),
    validators: validatorAddresses,
    closeIntervalMs: o.closeIntervalMs,
    dayLengthMs: o.dayLengthMs,
    faucet: { address: addressOf(nobleSigner(faucetSecret).publicKey), amount: watt(100_000_000n) },
    // every module's parameters, written out: /genesis names the values the network runs on
    params: {
      ...params,
      mining: { ...params.mining, seedAccounts: seeds.map((x) => x.address).join(',') },
      market: { ...params.market, ...DEVNET_MARKET, ...o.market },
      retrieval: { ...params.retrieval, ...DEVNET_RETRIEVAL },
    },
  })
  const quorumSet: QuorumSet = {
    threshold: count === 1 ? 1 : twoThirds(count),
    validators: validatorAddresses as string[] as NodeId[],
    innerSets: [],
  }
  const tokens = keys.map(() => randomBytes(18).toString('base64url'))
  const relay = await startRelay({
    host: o.host,
    port: o.port,
    network: o.network,
    // a devnet: its /genesis publishes the faucet key and its relay hands out validator keys
    devnet: true,
    // every browser of a devnet on this machine dials from the same address (and each new
    // tab fetches the whole PWA for its service worker): per-IP caps and rates 8-10x
    limits: {
      wsMaxSocketsPerIp: 256,
      httpMaxSocketsPerIp: 512,
      httpRequestsPerIpPerMinute: 6_000,
      wsConnectionsPerIpPerMinute: 3_000,
    },
    staticDir: o.staticDir,
    genesis: genesisToJson({ config, quorumSet, faucetSecret }),
    recommendedQuorumSet: quorumSet,
    enrollments: new Map(
      tokens.map((t, i) => [
        t,
        { privateKey: toHex(privateKeyToProtobuf(keys[i]!)), ...(o.autoAdmit ? { autoAdmit: true } : {}) },
      ]),
    ),
    log: o.log,
  })
  const links = tokens.map((t) => `${relay.httpUrl}/#enroll=${t}`)
  const { browser, pages } =
    o.validators > 0 && o.headless !== false ? await launchValidators(links, o.log) : { pages: [] }
  let exporter: DayExporter | undefined
  if (o.exportDays !== undefined) {
    if (pages[0] === undefined) {
      await browser?.close().catch(() => {})
      await relay.stop()
      throw new Error('--export-days needs a headless validator: its days are the ones exported')
    }
    mkdirSync(o.exportDays, { recursive: true })
    o.log(`writing each finished day's export to ${o.exportDays}`)
    exporter = exportDays(pages[0], { dir: o.exportDays, network: o.network, log: o.log })
  }
  return {
    relay,
    links,
    browser,
    validatorAddresses,
    seeds,
    async stop() {
      await exporter?.stop()
      await browser?.close().catch(() => {})
      await relay.stop()
    },
  }
}
