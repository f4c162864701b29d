// Reading a node's consensus state from its page in e2e tests: core RPC through the page's
// `wattCore`, the Node screen's ledger number, and the hash agreement check across nodes.
import { expect, type Page } from '@playwright/test'

type Rpc = { call(method: string, params?: unknown): Promise<unknown> }

export const rpc = <T = unknown>(page: Page, method: string, params?: unknown): Promise<T> =>
  page.evaluate(([m, p]) => (globalThis as unknown as { wattCore: Rpc }).wattCore.call(m as string, p), [
    method,
    params,
  ] as const) as Promise<T>

export const seqOf = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('ledger-seq').textContent())

const recent = async (page: Page) =>
  new Map(
    (await rpc<Array<{ seq: number; hash: string }>>(page, 'ledger.recent', { limit: 50 })).map((l) => [
      l.seq,
      l.hash,
    ]),
  )

/** Every pair of nodes agrees on every ledger both still list. */
export const expectSameHashes = async (pages: Page[]): Promise<void> => {
  const lists = await Promise.all(pages.map(recent))
  for (const a of lists)
    for (const b of lists)
      for (const [seq, hash] of a) if (b.has(seq)) expect(b.get(seq), `ledger ${seq}`).toBe(hash)
}
