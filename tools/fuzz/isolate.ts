// Runs one target in a worker thread (worker.ts) under a watchdog: the worker stores index + 1 in
// a shared cell before each input, and an input that makes no progress for `hangMs` (a sync
// loop cannot be interrupted from inside) ends the target's run as a `hang` finding, with the
// input rebuilt here from the seed and its index.
import { Worker } from 'node:worker_threads'
import { inputAt } from './generate.ts'
import { type Finding, showInput, type TargetReport } from './harness.ts'
import { DEFAULT_BOUND_MS, type Target } from './target.ts'

export interface WorkerJob {
  /** URL of the module whose `TARGETS` list holds the target. */
  readonly module: string
  readonly name: string
  readonly seed: number
  readonly inputs: number
  readonly cell: SharedArrayBuffer
}

export interface IsolatedRun {
  readonly seed: number
  readonly inputs: number
  readonly hangMs: number
}

const hangReport = async (t: Target, o: IsolatedRun, index: number): Promise<TargetReport> => {
  const g = inputAt(t, await t.seeds(), o.seed, index)
  const finding: Finding = {
    target: t.name,
    kind: 'hang',
    seed: o.seed,
    index,
    mode: g.mode,
    input: showInput(g.input),
    message: `no progress for ${o.hangMs} ms on this input`,
  }
  return {
    name: t.name,
    inputs: index + 1,
    ...{ accepted: 0, rejected: 0, crashes: 1, slow: 0, leaks: 0, seedsAccepted: 0, seeds: 0 },
    maxCpuMs: o.hangMs,
    boundMs: t.boundMs ?? DEFAULT_BOUND_MS,
    heapGrowthBytes: 0,
    seconds: o.hangMs / 1000,
    findings: [finding],
  }
}

export const runIsolated = (t: Target, module: string, o: IsolatedRun): Promise<TargetReport> =>
  new Promise((resolve, reject) => {
    const job: WorkerJob = {
      module,
      name: t.name,
      seed: o.seed,
      inputs: o.inputs,
      cell: new SharedArrayBuffer(4),
    }
    const cell = new Int32Array(job.cell)
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: job })
    let last = -1
    let since = performance.now()
    const watchdog = setInterval(() => {
      const now = Atomics.load(cell, 0)
      if (now !== last) [last, since] = [now, performance.now()]
      else if (now > 0 && performance.now() - since > o.hangMs) {
        clearInterval(watchdog)
        void worker.terminate()
        hangReport(t, o, now - 1).then(resolve, reject)
      }
    }, 100)
    worker.once('message', (r: TargetReport) => {
      clearInterval(watchdog)
      resolve(r)
    })
    worker.once('error', (e) => {
      clearInterval(watchdog)
      reject(e)
    })
  })
