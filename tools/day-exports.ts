// `npm run devnet -- --export-days DIR`: each finished day of the devnet, written to DIR as the
// day finishes, so a testnet's days can be replayed (`npm run sim -- --replay FILE`) or compared
// with the simulator while it runs. The days come from a headless validator: its core records
// them (worker/node/day-export-service.ts) and this polls it over the page's RPC client
// (`wattCore`, the calls the Simulate screen makes): `sim.days`, then `sim.dayExport {day}` for
// each day not written yet. A file is written under a temporary name and renamed, so a reader
// never sees half of one: DIR/watt-day-<network>-<day>.json, the name the export button uses.
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { RpcMethods } from '../worker/app/rpc-api.ts'
import type { CallArgs, MethodName, ResponseOf } from '../worker/rpc/table.ts'

/** How often the validator is asked for its finished days. */
export const EXPORT_POLL_MS = 1_000

type Rpc = { call(method: string, params?: unknown): Promise<unknown> }
type Answer = { ok: true; value: unknown } | { ok: false; error: string }

/** A core RPC call from the page; a failure is thrown here as an Error naming its code. */
const rpc = async <M extends MethodName<RpcMethods>>(
  page: Page,
  method: M,
  ...[params]: CallArgs<RpcMethods, M>
): Promise<ResponseOf<RpcMethods, M>> => {
  const answer: Answer = await page.evaluate(
    async ([m, p]) => {
      try {
        return { ok: true, value: await (globalThis as unknown as { wattCore: Rpc }).wattCore.call(m, p) }
      } catch (e) {
        const code = (e as { code?: unknown } | null)?.code
        return { ok: false, error: typeof code === 'string' ? code : String(e) }
      }
    },
    [method, params] as const,
  )
  if (!answer.ok) throw new Error(answer.error)
  return answer.value as ResponseOf<RpcMethods, M>
}

export const dayFileName = (network: string, day: number): string => `watt-day-${network}-${day}.json`

export interface DayExporter {
  stop(): Promise<void>
}

/** Polls `page` and writes each of its finished days to `dir` once; logs each new problem once. */
export const exportDays = (
  page: Page,
  o: { dir: string; network: string; log: (line: string) => void },
): DayExporter => {
  const written = new Set<number>()
  let lastProblem = ''
  let stopped = false
  const writeNew = async () => {
    const { days } = await rpc(page, 'sim.days')
    // the node keeps its last few days: forget what it no longer lists
    for (const d of written) if (d < (days[0] ?? 0)) written.delete(d)
    for (const day of days.filter((d) => !written.has(d))) {
      const doc = await rpc(page, 'sim.dayExport', { day })
      const file = join(o.dir, dayFileName(o.network, day))
      writeFileSync(`${file}.part`, `${JSON.stringify(doc)}\n`)
      renameSync(`${file}.part`, file)
      written.add(day)
      o.log(`day ${day} exported to ${file} (${doc.ledgers.length} ledgers)`)
    }
  }
  const loop = (async () => {
    while (!stopped) {
      try {
        await writeNew()
        lastProblem = ''
      } catch (e) {
        // the page still loading, or its core starting: asked again at the next poll
        const problem = e instanceof Error ? e.message.split('\n')[0]! : String(e)
        if (problem !== lastProblem && !stopped) o.log(`--export-days: not yet (${problem})`)
        lastProblem = problem
      }
      await new Promise((r) => setTimeout(r, EXPORT_POLL_MS))
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
    },
  }
}
