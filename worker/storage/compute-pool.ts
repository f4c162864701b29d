// The core's side of the proof workers: the host tab attaches one MessagePort per worker (role
// `compute`); this pool queues proof requests, runs each on a worker that is free for it, routes
// progress and results back, and keeps two rules: one job per sector at a time across all workers
// (OPFS sync handles are exclusive), and at most one heavy job (seal, seal proof, unseal) per
// worker. When a worker disappears (its tab closed or reloaded), its jobs go back to the queue
// and run again on the next worker: sealing resumes from the worker's OPFS checkpoint.
import { type WattError, wattError } from '../../shared/util/errors.ts'
import type { ProofCall, ProofEvent, ProofResult } from '../proof/protocol.ts'
import { isProofEvent } from '../proof/protocol.ts'

/** First message the host tab sends on a compute port: the Web Lock it holds while the worker lives. */
export interface ComputeHello {
  readonly type: 'compute-hello'
  readonly lock: string
}
export const isComputeHello = (x: unknown): x is ComputeHello =>
  typeof x === 'object' &&
  x !== null &&
  (x as ComputeHello).type === 'compute-hello' &&
  typeof (x as ComputeHello).lock === 'string'

export interface ComputePort {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void
  start?(): void
  close?(): void
}

export type ProgressEvent = Extract<ProofEvent, { type: 'progress' }>

export interface ComputePoolDeps {
  /** Resolves once the named lock is free: the tab holding it for a worker is gone. */
  readonly watchLock: (name: string) => Promise<void>
  readonly log?: (line: string) => void
}

/** Most requests waiting at once; more are refused with `compute_busy`. */
export const MAX_QUEUED = 512
/** Most workers attached at once (a new one replaces the oldest). */
export const MAX_WORKERS = 4
/** How often a job is re-run after losing its worker before it fails with `compute_lost`. */
export const MAX_LOST_RETRIES = 8

const HEAVY = new Set(['seal', 'seal-proof', 'unseal'])

/** A full disk reaches the worker as a DOMException (`QuotaExceededError`): give it its own code. */
const quotaAsCode = (e: WattError): WattError =>
  e.code === 'internal' && /quota/i.test(String(e.message))
    ? wattError('quota_exceeded', { message: e.message })
    : e

interface Job {
  readonly call: ProofCall
  readonly sectors: readonly number[]
  readonly heavy: boolean
  readonly onProgress: ((e: ProgressEvent) => void) | undefined
  readonly resolve: (r: ProofResult) => void
  readonly reject: (e: WattError) => void
  lost: number
}

interface Worker {
  readonly port: ComputePort
  readonly running: Map<number, Job>
  alive: boolean
}

export interface ComputePool {
  /** A compute port from the host tab; usable once its hello names the lock to watch. */
  attach(port: ComputePort): void
  run(call: ProofCall, onProgress?: (e: ProgressEvent) => void): Promise<ProofResult>
  stats(): { workers: number; queued: number; running: number; lost: number }
}

export const createComputePool = (deps: ComputePoolDeps): ComputePool => {
  const workers: Worker[] = []
  const queue: Job[] = []
  const busy = new Set<number>()
  let nextId = 1
  let lostTotal = 0

  const sectorsOf = (c: ProofCall): number[] =>
    c.type === 'window-post' ? c.sectors.map((s) => s.sector) : [c.sector]

  const pump = () => {
    for (let i = 0; i < queue.length; i++) {
      const job = queue[i]!
      if (job.sectors.some((s) => busy.has(s))) continue
      const free = workers
        .filter((w) => w.alive && !(job.heavy && [...w.running.values()].some((j) => j.heavy)))
        .sort((a, b) => a.running.size - b.running.size)[0]
      if (!free) continue
      queue.splice(i--, 1)
      const id = nextId++
      for (const s of job.sectors) busy.add(s)
      free.running.set(id, job)
      free.port.postMessage({ ...job.call, id })
    }
  }

  const finish = (w: Worker, id: number): Job | undefined => {
    const job = w.running.get(id)
    if (!job) return undefined
    w.running.delete(id)
    for (const s of job.sectors) busy.delete(s)
    queueMicrotask(pump)
    return job
  }

  const onEvent = (w: Worker, e: ProofEvent) => {
    if (e.type === 'progress') {
      w.running.get(e.id)?.onProgress?.(e)
      return
    }
    const job = finish(w, e.id)
    if (!job) return
    if (e.type === 'done') job.resolve(e.result)
    else job.reject(quotaAsCode(e.error))
  }

  const lose = (w: Worker) => {
    if (!w.alive) return
    w.alive = false
    workers.splice(workers.indexOf(w), 1)
    for (const id of [...w.running.keys()]) {
      const job = finish(w, id)!
      lostTotal++
      if (++job.lost > MAX_LOST_RETRIES) job.reject(wattError('compute_lost', { type: job.call.type }))
      else queue.unshift(job)
    }
    deps.log?.(`compute: a proof worker left (${workers.length} remain)`)
    pump()
  }

  return {
    attach(port) {
      const w: Worker = { port, running: new Map(), alive: false }
      port.addEventListener('message', (ev: MessageEvent) => {
        const m: unknown = ev.data
        if (isComputeHello(m)) {
          if (w.alive) return
          w.alive = true
          if (workers.length >= MAX_WORKERS) lose(workers[0]!)
          workers.push(w)
          void deps.watchLock(m.lock).then(() => lose(w))
          pump()
        } else if (isProofEvent(m)) onEvent(w, m)
      })
      port.start?.()
    },
    run(call, onProgress) {
      if (queue.length >= MAX_QUEUED)
        return Promise.reject(wattError('compute_busy', { queued: queue.length }))
      return new Promise<ProofResult>((resolve, reject) => {
        queue.push({
          call,
          sectors: sectorsOf(call),
          heavy: HEAVY.has(call.type),
          onProgress,
          resolve,
          reject,
          lost: 0,
        })
        pump()
      })
    },
    stats: () => ({
      workers: workers.length,
      queued: queue.length,
      running: workers.reduce((n, w) => n + w.running.size, 0),
      lost: lostTotal,
    }),
  }
}
