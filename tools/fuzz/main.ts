// `npm run fuzz`: feeds random and mutated inputs to every decoder and guard peer input reaches
// (tools/fuzz/targets.ts), each target in its own worker thread under a hang watchdog.
//   npm run fuzz [-- --inputs 100000 --seed 7 --target NAME[,NAME...] --hang-ms 10000 --out FILE]
//   npm run fuzz -- --target NAME --seed S --index I     replays one input (prints it and the outcome)
//   npm run fuzz -- --target NAME --hex HEX              runs given bytes through a bytes target
//   npm run fuzz -- --list                               names the targets
// Prints one line per target, each finding (with its replay command and input) on stderr, and
// ends with one JSON line {inputs, crashes, seconds, ok, seed, targets}. A full run (all targets)
// writes bench/results/fuzz.json. Exits 1 on any crash, slow input, leak or hang; 2 on bad arguments.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { machineFacts } from '../../bench/browser/report.ts'
import { fromHex } from '../../shared/util/bytes.ts'
import { inputAt } from './generate.ts'
import { describeError, type Finding, runInput, showInput, type TargetReport } from './harness.ts'
import { runIsolated } from './isolate.ts'
import type { Target } from './target.ts'
import { TARGETS, targetNamed } from './targets.ts'

export const DEFAULT_INPUTS = 100_000
export const RESULTS_FILE = 'bench/results/fuzz.json'
const TARGETS_MODULE = new URL('./targets.ts', import.meta.url).href

export class UsageError extends Error {}

export interface FuzzArgs {
  readonly inputs: number
  readonly seed: number
  readonly targets: readonly Target[]
  readonly all: boolean
  readonly hangMs: number
  readonly index?: number
  readonly hex?: string
  readonly out?: string
  readonly list: boolean
}

const int = (v: string | undefined, name: string, def: number, max: number): number => {
  if (v === undefined) return def
  const x = Number(v)
  if (!Number.isSafeInteger(x) || x < 0 || x > max)
    throw new UsageError(`--${name} must be an integer in [0, ${max}]`)
  return x
}

export const parseFuzzArgs = (argv: readonly string[]): FuzzArgs => {
  const { values: v } = parseArgs({
    args: [...argv],
    options: {
      inputs: { type: 'string' },
      seed: { type: 'string' },
      target: { type: 'string' },
      index: { type: 'string' },
      hex: { type: 'string' },
      'hang-ms': { type: 'string' },
      out: { type: 'string' },
      list: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  })
  const names = v.target?.split(',').filter(Boolean) ?? []
  const targets = names.length === 0 ? TARGETS : names.map((n) => targetNamed(n))
  if (targets.some((t) => t === undefined))
    throw new UsageError(`--target names one of: ${TARGETS.map((t) => t.name).join(', ')}`)
  if ((v.index !== undefined || v.hex !== undefined) && targets.length !== 1)
    throw new UsageError('--index and --hex replay one input of one --target')
  if (v.index !== undefined && v.seed === undefined)
    throw new UsageError('--index replays an input of a --seed')
  if (v.hex !== undefined && (targets[0]!.kind !== 'bytes' || !/^([0-9a-f]{2})*$/i.test(v.hex)))
    throw new UsageError('--hex takes an even number of hex digits, for a bytes target')
  return {
    inputs: int(v.inputs, 'inputs', DEFAULT_INPUTS, 1e9),
    seed: int(v.seed, 'seed', Math.floor(Math.random() * 2 ** 31), 2 ** 31 - 1),
    targets: targets as Target[],
    all: names.length === 0,
    hangMs: int(v['hang-ms'], 'hang-ms', 10_000, 3_600_000),
    ...(v.index === undefined ? {} : { index: int(v.index, 'index', 0, 1e9) }),
    ...(v.hex === undefined ? {} : { hex: v.hex }),
    ...(v.out === undefined ? {} : { out: v.out }),
    list: v.list === true,
  }
}

/** Inputs per target: the total split by weight (heavier targets weigh less), at least one each. */
export const allocate = (targets: readonly Target[], total: number): number[] => {
  const sum = targets.reduce((n, t) => n + (t.weight ?? 1), 0)
  return targets.map((t) => Math.max(1, Math.ceil((total * (t.weight ?? 1)) / sum)))
}

const failures = (r: TargetReport): number => r.crashes + r.slow + r.leaks

const printReport = (r: TargetReport): void => {
  const cols = [
    r.name.padEnd(16),
    `${r.inputs} inputs`.padStart(13),
    `${r.accepted} accepted`.padStart(15),
    `${r.rejected} rejected`.padStart(15),
    `${failures(r)} crashes`.padStart(11),
    `max ${r.maxCpuMs} ms`.padStart(14),
    `seeds ${r.seedsAccepted}/${r.seeds}`.padStart(11),
    `${r.seconds} s`.padStart(9),
  ]
  console.log(cols.join(' '))
}

const printFinding = (f: Finding): void => {
  console.error(`\nfuzz: ${f.kind} in ${f.target} (input ${f.index}, ${f.mode ?? '-'}): ${f.message}`)
  console.error(`  replay: npm run fuzz -- --target ${f.target} --seed ${f.seed} --index ${f.index}`)
  if (f.stack) console.error(f.stack.replace(/^/gm, '  '))
  if (f.input !== undefined) console.error(`  input: ${f.input}`)
}

/** Runs one input in this thread and prints it, the outcome and any stack. */
const replay = async (a: FuzzArgs): Promise<number> => {
  const t = a.targets[0]!
  const input = a.hex !== undefined ? fromHex(a.hex) : inputAt(t, await t.seeds(), a.seed, a.index!).input
  console.error(`input: ${showInput(input)}`)
  const o = await runInput(t, input)
  const e = o.error === undefined ? {} : describeError(o.error)
  console.log(JSON.stringify({ target: t.name, status: o.status, cpuMs: Number(o.cpuMs.toFixed(2)), ...e }))
  return o.status === 'crash' ? 1 : 0
}

const writeFigures = (
  file: string,
  summary: Record<string, unknown>,
  reports: readonly TargetReport[],
): void => {
  const body = {
    bench: 'fuzz',
    timestamp: new Date().toISOString(),
    machine: machineFacts(),
    headline: [
      { label: 'inputs run / 10^5 required', ratio: Number(summary.inputs) / DEFAULT_INPUTS, aim: 1 },
    ],
    ...summary,
    targets: reports.map(({ findings, ...r }) => ({
      ...r,
      findings: findings.map(({ input: _, stack: __, ...f }) => f),
    })),
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`)
}

const main = async (): Promise<number> => {
  let a: FuzzArgs
  try {
    a = parseFuzzArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
  if (a.list) {
    for (const t of TARGETS) console.log(`${t.name.padEnd(16)} ${t.kind.padEnd(5)} ${t.about}`)
    return 0
  }
  if (a.index !== undefined || a.hex !== undefined) return replay(a)
  console.error(
    `fuzz: seed ${a.seed} (replay with --seed ${a.seed}), ${a.inputs} inputs over ${a.targets.length} targets`,
  )
  const started = performance.now()
  const counts = allocate(a.targets, a.inputs)
  const reports: TargetReport[] = []
  for (const [i, t] of a.targets.entries()) {
    const r = await runIsolated(t, TARGETS_MODULE, { seed: a.seed, inputs: counts[i]!, hangMs: a.hangMs })
    printReport(r)
    for (const f of r.findings) printFinding(f)
    reports.push(r)
  }
  const inputs = reports.reduce((n, r) => n + r.inputs, 0)
  const crashes = reports.reduce((n, r) => n + failures(r), 0)
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1))
  const summary = { inputs, crashes, seconds, ok: crashes === 0, seed: a.seed, targets: reports.length }
  if (a.all || a.out !== undefined) writeFigures(a.out ?? RESULTS_FILE, summary, reports)
  console.log(JSON.stringify(summary))
  return crashes === 0 ? 0 : 1
}

if (import.meta.main) process.exitCode = await main()
