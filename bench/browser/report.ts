// What every benchmark result carries: when and where it ran (cpus, Node, Chromium, load average,
// since this machine is often shared) and its figures, written as bench/results/<name>.json. The
// `headline` is the one line `npm run bench` prints in its summary table.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'

export interface Headline {
  /** What was measured, e.g. "libp2p stream / raw data channel throughput". */
  readonly label: string
  /** The measured figure divided by the limit measured in the same run. */
  readonly ratio: number
  /** The ratio the issue aims for, when it names one. */
  readonly aim?: number
}

export interface MachineFacts {
  readonly cpus: number
  readonly cpuModel: string
  readonly node: string
  readonly chromium: string | undefined
  readonly loadAverage: readonly number[]
}

export const machineFacts = (chromium?: string): MachineFacts => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  chromium,
  loadAverage: loadavg().map((x) => Number(x.toFixed(1))),
})

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits))

/** The p-th percentile (0..100) of `xs` by nearest rank; NaN when empty. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

export const RESULTS_DIR = 'bench/results'

/** Writes bench/results/<name>.json with the timestamp, the machine facts and the figures. */
export const writeResult = (
  name: string,
  o: { chromium?: string; headline: Headline[]; figures: Record<string, unknown> },
): void => {
  const body = {
    bench: name,
    timestamp: new Date().toISOString(),
    machine: machineFacts(o.chromium),
    headline: o.headline,
    ...o.figures,
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(`${RESULTS_DIR}/${name}.json`, `${JSON.stringify(body, null, 2)}\n`)
  console.log(JSON.stringify(body, null, 2))
}
