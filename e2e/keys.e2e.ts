// Keys at rest end to end, at phone size (390x844), on a devnet of its own (relay + faucet + one
// validator tab): a PIN wallet locks and unlocks, and sends only while unlocked; a passkey wallet
// (Chromium's virtual authenticator with the PRF extension as the phone's fingerprint) does the
// same; a profile from before PINs keeps its wallet and its node key, both re-sealed, nothing lost.
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { privateKeyToProtobuf, generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { addressOf } from '../shared/crypto/address.ts'
import { nobleSigner } from '../shared/crypto/noble.ts'
import { rpc } from './ledger-pages.ts'
import { addFingerprint, closeAll, E2E_PIN, fillPin, openNode } from './nodes.ts'
import { openWallet, useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_KEYS_PORT ?? 8402)
const net = useWalletDevnet(PORT, 'e2e-keys')

test.describe.configure({ timeout: 300_000 })

/** Where the tests send to: any valid address (a payment creates its account). */
const RECEIVER = addressOf(nobleSigner(new Uint8Array(32).fill(5)).publicKey)

const fund = async (page: Page) => {
  await page.getByTestId('faucet-request').click()
  await expect(page.getByTestId('wallet-balance')).toHaveText('100', { timeout: 60_000 })
}

const send = async (page: Page, amount: string) => {
  await page.getByTestId('send-to').fill(RECEIVER)
  await page.getByTestId('send-amount').fill(amount)
  await page.getByTestId('send-submit').click()
  await expect(page.getByTestId('tx-status')).toContainText(/applied in ledger \d+/, { timeout: 60_000 })
}

/** Locked: the prompt is there, the send form says why it cannot sign, and its button is off. */
const expectLocked = async (page: Page) => {
  await expect(page.getByTestId('wallet-unlock')).toBeVisible()
  await expect(page.getByTestId('send-locked')).toHaveText(/locked: unlock it at the top/)
  await expect(page.getByTestId('send-submit')).toBeDisabled()
}

/** Nothing overflows the phone's width, and the tab bar is on screen. */
const expectFits = async (page: Page) => {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }))
  expect(scroll).toBeLessThanOrEqual(width)
  await expect(page.getByTestId('tab-wallet')).toBeInViewport()
}

/** A new session of the core: every tab of the profile closed, then one opened again. */
const restartCore = async (context: BrowserContext, page: Page, path: string): Promise<Page> => {
  await page.close()
  const next = await context.newPage()
  await next.goto(path)
  await expect(next.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
  return next
}

test('PIN wallet: created unlocked, locked by the user and by a restart, unlocked by the right PIN only', async ({
  browser,
}) => {
  const a = await openNode(browser, `${net.url}/`)
  try {
    let page = a.page
    await openWallet(page)
    await page.getByTestId('create-pin').fill(E2E_PIN)
    await page.getByTestId('create-pin-again').fill('246803')
    await page.getByTestId('wallet-create').click()
    await expect(page.getByTestId('create-error')).toHaveText(/The two PINs differ/)
    await fillPin(page, 'create', '1234')
    await page.getByTestId('wallet-create').click()
    await expect(page.getByTestId('create-error')).toHaveText(/at least 6 characters/)
    await expectFits(page)
    await page.screenshot({ path: 'e2e/artifacts/keys-create-phone.png', fullPage: true })
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'e2e/artifacts/keys-create-desktop.png', fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await fillPin(page, 'create')
    await page.getByTestId('wallet-create').click()
    await expect(page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'pending')
    await fund(page)
    await send(page, '1')

    await page.getByTestId('wallet-lock').click()
    await expectLocked(page)
    await page.getByTestId('unlock-pin').fill('135791')
    await page.getByTestId('unlock-submit').click()
    await expect(page.getByTestId('unlock-error')).toHaveText(
      "That is not this wallet's PIN: check it and try again.",
    )
    await expectFits(page)
    await page.screenshot({ path: 'e2e/artifacts/keys-locked-phone.png', fullPage: true })
    await page.getByTestId('unlock-pin').fill(E2E_PIN)
    await page.getByTestId('unlock-submit').click()
    await expect(page.getByTestId('wallet-unlock')).toHaveCount(0)
    await send(page, '2')

    page = await restartCore(a.context, page, `${net.url}/`)
    await openWallet(page)
    await expectLocked(page)
    await page.getByTestId('unlock-pin').fill(E2E_PIN)
    await page.getByTestId('unlock-submit').click()
    await send(page, '3')
    await expect(page.getByTestId('wallet-balance')).toHaveText(/^93\.9999/)
  } finally {
    await closeAll([a])
  }
})

test('passkey wallet: the fingerprint (a virtual authenticator with PRF) creates, unlocks and sends', async ({
  browser,
}) => {
  // WebAuthn refuses IP addresses as the relying party: the same relay, named localhost
  const a = await openNode(browser, `http://localhost:${PORT}/`)
  try {
    await addFingerprint(a, { prf: true })
    const page = a.page
    await openWallet(page)
    await page.getByTestId('create-passkey').click()
    await expect(page.getByTestId('wallet-backup')).toHaveAttribute('data-state', 'pending')
    const view = await rpc(page, 'wallet.status')
    expect(view.lock).toBe('passkey')
    await fund(page)
    await page.getByTestId('wallet-lock').click()
    await expectLocked(page)
    await expect(page.getByTestId('unlock-pin')).toHaveCount(0)
    await page.screenshot({ path: 'e2e/artifacts/keys-passkey-locked-phone.png', fullPage: true })
    await page.getByTestId('unlock-passkey').click()
    await expect(page.getByTestId('wallet-unlock')).toHaveCount(0)
    await send(page, '4')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByTestId('wallet-lock').click()
    await expectLocked(page)
    await page.screenshot({ path: 'e2e/artifacts/keys-passkey-locked-desktop.png', fullPage: true })
  } finally {
    await closeAll([a])
  }
})

/** Writes the stores as a build from before sealed keys did, on a page of the origin that runs no app. */
const writeOldProfile = async (page: Page, old: OldProfile) =>
  page.evaluate(async (o) => {
    const open = (name: string, store: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name, 1)
        r.onupgradeneeded = () => r.result.createObjectStore(store)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
    const put = (db: IDBDatabase, store: string, key: string, value: unknown) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction(store, 'readwrite')
        tx.objectStore(store).put(value, key)
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
    await put(await open('watt-node', 'identity'), 'identity', 'node-key', new Uint8Array(o.nodeKey))
    const wrap = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ])
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const params = { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(o.address) }
    const data = new Uint8Array(await crypto.subtle.encrypt(params, wrap, new Uint8Array(o.secret)))
    const wallet = await open('watt-wallet', 'kv')
    await put(wallet, 'kv', 'wrap-key', wrap)
    await put(wallet, 'kv', 'account', {
      v: 1,
      address: o.address,
      publicKey: new Uint8Array(o.publicKey),
      secret: { iv, data },
      confirmPositions: [],
    })
  }, old)

interface OldProfile {
  nodeKey: number[]
  secret: number[]
  publicKey: number[]
  address: string
}

/** Every stored value of both databases, as hex wherever bytes are. */
const storedHex = (page: Page) =>
  page.evaluate(async () => {
    const dump = (name: string, store: string) =>
      new Promise<string>((resolve, reject) => {
        const r = indexedDB.open(name)
        r.onsuccess = () => {
          const all = r.result.transaction(store).objectStore(store).getAll()
          all.onsuccess = () => {
            const hex = (x: unknown): string =>
              x instanceof Uint8Array
                ? [...x].map((b) => b.toString(16).padStart(2, '0')).join('')
                : typeof x === 'object' && x !== null
                  ? Object.values(x).map(hex).join('|')
                  : String(x)
            resolve(all.result.map(hex).join('\n'))
          }
        }
        r.onerror = () => reject(r.error)
      })
    return (await dump('watt-node', 'identity')) + (await dump('watt-wallet', 'kv'))
  })

test('a profile from before sealed keys keeps its peer id and wallet; setting a PIN re-seals the wallet', async ({
  browser,
}) => {
  const nodeKey = await generateKeyPair('Ed25519')
  const secret = new Uint8Array(32).fill(11)
  const publicKey = nobleSigner(secret).publicKey
  const old: OldProfile = {
    nodeKey: [...privateKeyToProtobuf(nodeKey)],
    secret: [...secret],
    publicKey: [...publicKey],
    address: addressOf(publicKey),
  }
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  try {
    const page = await context.newPage()
    await page.goto(`${net.url}/health`)
    await writeOldProfile(page, old)
    await page.goto(`${net.url}/`)
    await expect(page.getByTestId('node-peer-id')).toHaveText(peerIdFromPrivateKey(nodeKey).toString(), {
      timeout: 120_000,
    })
    await openWallet(page)
    await expect(page.getByTestId('wallet-address')).toHaveText(old.address)
    await expect(page.getByTestId('wallet-protect')).toHaveAttribute('data-state', 'device')
    await expect(page.getByTestId('wallet-protect')).toContainText('weaker protection')
    await expectFits(page)
    await page.screenshot({ path: 'e2e/artifacts/keys-protect-phone.png', fullPage: true })
    await fillPin(page, 'protect')
    await page.getByTestId('protect-submit').click()
    await expect(page.getByTestId('wallet-protect')).toHaveAttribute('data-state', 'pin')
    await fund(page)
    await send(page, '1')
    const stored = await storedHex(page)
    expect(stored).not.toContain(hex(privateKeyToProtobuf(nodeKey).subarray(4, 36)))
    expect(stored).not.toContain(hex(secret))
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'e2e/artifacts/keys-wallet-desktop.png', fullPage: true })
  } finally {
    await context.close()
  }
})
