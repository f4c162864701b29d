// Day one with nothing, in real Chromium: a newcomer with an empty wallet (no account, no WATT) on
// a devnet of its own opens the Mine screen, registers a passkey (Chromium's virtual authenticator
// as the device's fingerprint: ctap2, internal, user verification) and checks in with it. The
// check-in is fee-free, opens the account and carries the WebAuthn assertion the validator
// verified: the ledger records the passkey kind and binds the passkey to the account. Before it, a
// page script's check-in with a made-up assertion reaches the ledger and is refused with its code.
import { expect, test } from '@playwright/test'
import { rpc } from './ledger-pages.ts'
import { addFingerprint, closeAll, fillPin, openNode } from './nodes.ts'
import { useWalletDevnet } from './wallet-devnet.ts'

const PORT = Number(process.env.E2E_PRESENCE_PORT ?? 8404)
useWalletDevnet(PORT, 'e2e-presence')

test.describe.configure({ timeout: 180_000 })

test('a newcomer with an empty wallet registers a passkey and checks in on day one', async ({ browser }) => {
  // WebAuthn refuses IP addresses as the relying party: the same relay, named localhost
  const a = await openNode(browser, `http://localhost:${PORT}/`)
  try {
    await addFingerprint(a)
    const page = a.page
    await page.getByTestId('tab-wallet').click()
    await fillPin(page, 'create')
    await page.getByTestId('wallet-create').click({ timeout: 60_000 })
    const address = (await page.getByTestId('wallet-address').textContent())!.trim()

    await page.getByTestId('tab-mine').click()
    await expect(page.getByTestId('mine-status')).toHaveText(/check in for day \d+: it is free/, {
      timeout: 60_000,
    })
    await expect(page.getByTestId('presence-kind')).toHaveAttribute('data-kind', 'hold')
    await page.getByTestId('passkey-register').click()
    await expect(page.getByTestId('presence-kind')).toHaveAttribute('data-kind', 'passkey')
    // a page script's own check-in, with a made-up assertion: the core forwards it, the ledger refuses it
    await page.evaluate(() => {
      const b = (n: number, fill: number) => new Uint8Array(n).fill(fill)
      const core = (
        globalThis as unknown as { wattCore: { call: (m: string, p: unknown) => Promise<unknown> } }
      ).wattCore
      const proof = {
        kind: 'passkey',
        credentialId: b(16, 1),
        authenticatorData: b(37, 5),
        clientDataJSON: b(64, 32),
        signature: b(70, 48),
      }
      return core.call('mining.checkIn', { proof })
    })
    await expect
      .poll(async () => (await rpc(page, 'mining.status')).txs.map((t) => `${t.state}:${t.code ?? ''}`), {
        timeout: 60_000,
      })
      .toEqual(['rejected:passkey_unknown'])
    await page.getByTestId('passkey-check-in').click()
    await expect(page.getByTestId('mine-status')).toHaveText(/^active today/, { timeout: 60_000 })

    const v = await rpc(page, 'mining.status')
    expect([v.address, v.accountExists, v.balance, v.presenceKind, v.passkeys]).toEqual([
      address,
      true,
      '0',
      'passkey',
      1,
    ])
    expect(v.txs.map((t) => `${t.kind}:${t.state}`)).toEqual(['checkIn:rejected', 'checkIn:applied'])
  } finally {
    await closeAll([a])
  }
})
