// The wallet e2e files' devnet, in the test process: relay, a devnet genesis with a faucet, 1 s
// ledgers, and one validator tab opened from its enrollment link. `net.url` is the relay's URL.
import { expect, type Page, test } from '@playwright/test'
import { useBareDevnet } from './bare-devnet.ts'
import { closeAll, openNode, type TestNode } from './nodes.ts'

export const useWalletDevnet = (port: number, network: string): { url: string } => {
  const net = { url: '' }
  const bare = useBareDevnet(port, network)
  let validator: TestNode | undefined
  test.beforeAll(async ({ browser }) => {
    net.url = bare.devnet.relay.httpUrl
    validator = await openNode(browser, bare.devnet.links[0]!)
  })
  test.afterAll(async () => {
    if (validator) await closeAll([validator])
  })
  return net
}

/** The Wallet tab, once it shows a closed ledger. */
export const openWallet = async (page: Page) => {
  await page.getByTestId('tab-wallet').click()
  await expect(page.getByTestId('ledger-seq')).toHaveText(/^\d+$/, { timeout: 60_000 })
}
