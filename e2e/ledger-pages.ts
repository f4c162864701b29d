// Reading a node's consensus state from its page in e2e tests: core RPC through the page's
// `wattCore`, the Node screen's ledger number, and the hash agreement check across nodes.
import { expect, type Page } from '@playwright/test'
import type { RpcMethods } from '../worker/app/rpc-api.ts'
import type { CallArgs, MethodName, ResponseOf } from '../worker/rpc/table.ts'

type Rpc = { call(method: string, params?: unknown): Promise<unknown> }

/** A core RPC call from the page, typed by the node's RPC table (worker/app/rpc-api.ts). */
export const rpc = <M extends MethodName<RpcMethods>>(
  page: Page,
  method: M,
  ...[params]: CallArgs<RpcMethods, M>
): Promise<ResponseOf<RpcMethods, M>> =>
  page.evaluate(([m, p]) => (globalThis as unknown as { wattCore: Rpc }).wattCore.call(m, p), [
    method,
    params,
  ] as const) as Promise<ResponseOf<RpcMethods, M>>

export const seqOf = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('ledger-seq').textContent())

const recent = async (page: Page) =>
  new Map((await rpc(page, 'ledger.recent', { limit: 50 })).map((l) => [l.seq, l.hash]))

/** Every pair of nodes agrees on every ledger both still list. */
export const expectSameHashes = async (pages: Page[]): Promise<void> => {
  const lists = await Promise.all(pages.map(recent))
  for (const a of lists)
    for (const b of lists)
      for (const [seq, hash] of a) if (b.has(seq)) expect(b.get(seq), `ledger ${seq}`).toBe(hash)
}
