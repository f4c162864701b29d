// Runs a small deterministic simulation (shared/sim: real SCP and ledger code, virtual clock)
// in a dedicated worker, so a newcomer can watch ledgers close without blocking the page.
import { DEFAULT_SCENARIO, runScenario } from '../../shared/sim/scenario.ts'

export interface SimRequest {
  seed: number
  validators: number
  ledgers: number
  dropPercent: number
}

export type SimEvent =
  | { type: 'progress'; virtualMs: number; ledgers: number; messages: number }
  | {
      type: 'done'
      ok: boolean
      ledgers: number
      forks: number
      meanCloseMs: number
      messages: number
      finalHash: string
    }
  | { type: 'failed'; message: string }

const post = (e: SimEvent) => postMessage(e)

addEventListener('message', async (e: MessageEvent<SimRequest>) => {
  const r = e.data
  try {
    const result = await runScenario({
      ...DEFAULT_SCENARIO,
      seed: r.seed,
      validators: r.validators,
      coreSize: r.validators,
      ledgers: r.ledgers,
      faults: { ...DEFAULT_SCENARIO.faults, dropPpm: Math.round(r.dropPercent * 10_000), windowMs: 5_000 },
      onProgress: (p) => post({ type: 'progress', ...p }),
    })
    post({
      type: 'done',
      ok: result.ok,
      ledgers: result.ledgers,
      forks: result.forks,
      meanCloseMs: result.meanCloseMs,
      messages: result.messages,
      finalHash: result.finalHash ?? '',
    })
  } catch (err) {
    post({ type: 'failed', message: String(err) })
  }
})
