// Runs a target's inputs and judges each: a thrown exception or rejected promise that the target
// does not count as typed is a crash; an input that takes more thread CPU time than the bound twice
// in a row is slow; heap growth (after a full GC) over the second half of the run beyond a bound is
// a leak. Unhandled rejections are charged to the input during which they surfaced.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import * as fc from 'fast-check'
import { toHex } from '../../shared/util/bytes.ts'
import { inputAt, type Mode } from './generate.ts'
import { DEFAULT_BOUND_MS, type Target } from './target.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
// deep enough to reach the product frame below a library's (cborg's encoder is eight deep)
Error.stackTraceLimit = 32

/** Heap growth over the second half of a target's run that counts as a leak: both must be exceeded. */
export const LEAK_FLOOR_BYTES = 4 << 20
export const LEAK_BYTES_PER_INPUT = 512
const MAX_FINDINGS_PER_KIND = 3

export type FindingKind = 'crash' | 'slow' | 'leak' | 'hang'

export interface Finding {
  readonly target: string
  readonly kind: FindingKind
  readonly seed: number
  readonly index: number
  readonly mode?: Mode
  /** Bytes as hex; data as fast-check prints it. */
  readonly input?: string
  readonly message: string
  readonly stack?: string
}

export interface TargetReport {
  readonly name: string
  readonly inputs: number
  readonly accepted: number
  readonly rejected: number
  readonly crashes: number
  readonly slow: number
  readonly leaks: number
  readonly seedsAccepted: number
  readonly seeds: number
  readonly maxCpuMs: number
  readonly boundMs: number
  readonly heapGrowthBytes: number
  readonly seconds: number
  readonly findings: readonly Finding[]
}

export interface Outcome {
  readonly status: 'accepted' | 'rejected' | 'crash'
  readonly cpuMs: number
  readonly error?: unknown
}

export const showInput = (x: unknown): string => (x instanceof Uint8Array ? toHex(x) : fc.stringify(x))

const cpuMs = (): number => {
  const u = process.threadCpuUsage()
  return (u.user + u.system) / 1000
}

const isRejection = (r: unknown): boolean =>
  r === undefined ||
  r === null ||
  r === false ||
  (typeof r === 'object' && (r as { ok?: unknown }).ok === false)

/** Runs one input; never throws. */
export const runInput = async (t: Target, input: unknown): Promise<Outcome> => {
  const c0 = cpuMs()
  try {
    const r = await t.run(input)
    return { status: isRejection(r) ? 'rejected' : 'accepted', cpuMs: cpuMs() - c0 }
  } catch (e) {
    return { status: t.typed?.(e) ? 'rejected' : 'crash', cpuMs: cpuMs() - c0, error: e }
  }
}

export const describeError = (e: unknown): { message: string; stack?: string } => {
  if (!(e instanceof Error)) return { message: `non-Error thrown: ${fc.stringify(e).slice(0, 200)}` }
  const stack = e.stack?.split('\n').slice(0, 24).join('\n')
  return { message: `${e.name}: ${e.message}`, ...(stack ? { stack } : {}) }
}

export interface RunOptions {
  readonly seed: number
  readonly inputs: number
  /** Called before each input (the watchdog's heartbeat). */
  readonly onInput?: (index: number) => void
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * This thread's JS heap plus its array buffers after full collections. Buffers are freed by a
 * background thread after a collection, late on a busy machine: so it collects twice, with a pause.
 */
const heapAfterGc = async (pauseMs = 20): Promise<number> => {
  gc()
  await sleep(pauseMs)
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const isLeak = (growth: number, inputs: number): boolean =>
  growth > LEAK_FLOOR_BYTES && growth > LEAK_BYTES_PER_INPUT * inputs

/** Runs input `index`; a slow one runs again (to tell a GC pause or a cold start from a slow path). */
const runIndexed = async (
  t: Target,
  seeds: readonly unknown[],
  seed: number,
  index: number,
  bound: number,
) => {
  const g = inputAt(t, seeds, seed, index)
  let r = await runInput(t, g.input)
  if (r.status !== 'crash' && r.cpuMs > bound) r = await runInput(t, g.input)
  await new Promise((done) => setImmediate(done)) // lets a lost rejection surface now
  return { g, r }
}

export const runTarget = async (t: Target, o: RunOptions): Promise<TargetReport> => {
  const started = performance.now()
  const bound = t.boundMs ?? DEFAULT_BOUND_MS
  const seeds = await t.seeds()
  const findings: Finding[] = []
  const counts = { accepted: 0, rejected: 0, crashes: 0, slow: 0, leaks: 0 }
  const note = (f: Omit<Finding, 'target' | 'seed'>) => {
    if (findings.filter((x) => x.kind === f.kind).length < MAX_FINDINGS_PER_KIND)
      findings.push({ target: t.name, seed: o.seed, ...f })
  }
  let seedsAccepted = 0
  for (const s of seeds) if ((await runInput(t, s)).status === 'accepted') seedsAccepted++
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  let maxCpuMs = 0
  let heapMid = 0
  const half = Math.floor(o.inputs / 2)
  try {
    for (let index = 0; index < o.inputs; index++) {
      if (index === half) heapMid = await heapAfterGc()
      o.onInput?.(index)
      const { g, r } = await runIndexed(t, seeds, o.seed, index, bound)
      maxCpuMs = Math.max(maxCpuMs, r.cpuMs)
      const error = r.status === 'crash' ? r.error : unhandled[0]
      unhandled.length = 0
      const at = () => ({ index, mode: g.mode, input: showInput(g.input) })
      if (r.status === 'crash' || error !== undefined) {
        counts.crashes++
        note({ kind: 'crash', ...at(), ...describeError(error) })
      } else if (r.cpuMs > bound) {
        counts.slow++
        note({
          kind: 'slow',
          ...at(),
          message: `${r.cpuMs.toFixed(1)} ms CPU twice over the ${bound} ms bound`,
        })
      } else counts[r.status]++
    }
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  let growth = o.inputs > 1 ? (await heapAfterGc()) - heapMid : 0
  // a leak must still be there after a longer pause (not memory still being given back)
  if (isLeak(growth, o.inputs - half)) growth = (await heapAfterGc(500)) - heapMid
  if (isLeak(growth, o.inputs - half)) {
    counts.leaks++
    note({
      kind: 'leak',
      index: o.inputs - 1,
      message: `heap grew ${growth} bytes over the last ${o.inputs - half} inputs`,
    })
  }
  return {
    name: t.name,
    inputs: o.inputs,
    ...counts,
    seedsAccepted,
    seeds: seeds.length,
    maxCpuMs: Number(maxCpuMs.toFixed(2)),
    boundMs: bound,
    heapGrowthBytes: growth,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    findings,
  }
}
