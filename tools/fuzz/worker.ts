// One target's run in its own thread (see isolate.ts), so a hang can be cut off from outside and
// each target's heap is measured alone. Posts the TargetReport back.
import { parentPort, workerData } from 'node:worker_threads'
import { runTarget } from './harness.ts'
import type { WorkerJob } from './isolate.ts'
import type { Target } from './target.ts'

const job = workerData as WorkerJob
const { TARGETS } = (await import(job.module)) as { TARGETS: readonly Target[] }
const target = TARGETS.find((t) => t.name === job.name)
if (!target) throw new Error(`no fuzz target named ${job.name} in ${job.module}`)
const cell = new Int32Array(job.cell)
const report = await runTarget(target, {
  seed: job.seed,
  inputs: job.inputs,
  onInput: (i) => Atomics.store(cell, 0, i + 1),
})
parentPort?.postMessage(report)
