// `npm run soak`: the long runs behind the reliability claims (issue 20), far past what `npm test`
// samples. Three parts:
//   1. a seeded fault search over the simulator running the real herder: 10,000 runs by default,
//      cycling the plans of shared/sim/fault-plans.ts (loss, delay, partitions, crashes, f
//      equivocators or garbage senders, non-flat topologies), split over --jobs processes;
//   2. a search of the storage market under the same faults (--market-runs, 300 by default:
//      honest, crashing, silent and lying providers, every market checker on every ledger, every
//      lie refused with its code and without a change);
//   3. the hard-kill e2es with 100 SIGKILLs of a node's browser: the validator's 65 times while
//      payments apply and 25 while a sector seals (e2e/ledger-crash.e2e.ts), a provider's 10 times
//      while its deal's window proof is pending (e2e/market-kill.e2e.ts); --kills 0 skips them
//      (they need Chromium and build the PWA first).
//   npm run soak [-- --runs 10000 --market-runs 300 --seed 1 --jobs 2 --kills 100]
// Ends with one JSON line {runs, forks, failed, marketRuns, kills, seconds, ok}; writes bench/results/soak.json.
// A failing seed is printed with the flags that replay it alone. Exits 1 on any failure.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { machineFacts } from '../bench/browser/report.ts'
import { describeViolation } from '../shared/sim/checkers.ts'
import {
  byzantinePlan,
  faultyMarketPlan,
  faultyPlan,
  marketPlan,
  topologyPlan,
} from '../shared/sim/fault-plans.ts'
import { runScenario, type ScenarioOptions } from '../shared/sim/scenario.ts'

const RESULTS_FILE = 'bench/results/soak.json'
const PLANS = [faultyPlan, byzantinePlan, faultyPlan, byzantinePlan, topologyPlan] as const

const NO_SEARCH: SearchTally = { runs: 0, forks: 0, failed: 0, failures: [] }

interface SearchTally {
  runs: number
  forks: number
  failed: number
  /** The first few failing seeds with what went wrong. */
  failures: string[]
}

/**
 * The plan of a seed: PLANS in runs of 7 seeds, so that every plan meets every residue of the
 * seed that the plans themselves read (seed mod 2, 3, 4, 5).
 */
const planOf = (seed: number) => PLANS[Math.floor(seed / 7) % PLANS.length]!

/** The market search alternates healthy and faulty links. */
const marketPlanOf = (seed: number) => (seed % 2 === 0 ? marketPlan : faultyMarketPlan)

type Search = 'faults' | 'market'
const PLAN_OF: Record<Search, (seed: number) => (seed: number) => ScenarioOptions> = {
  faults: planOf,
  market: marketPlanOf,
}

/** Runs seeds [from, to), each under its plan. */
const searchSlice = async (search: Search, from: number, to: number): Promise<SearchTally> => {
  const t: SearchTally = { runs: 0, forks: 0, failed: 0, failures: [] }
  for (let seed = from; seed < to; seed++) {
    const r = await runScenario(PLAN_OF[search](seed)(seed))
    t.runs++
    if (t.runs % 500 === 0)
      console.error(`soak: ${search} seeds ${from}..${to - 1}: ${t.runs} run, ${t.failed} failed`)
    t.forks += r.forks
    const lie = r.market?.lies.find((l) => l.code !== undefined && (l.code !== l.expect || !l.unchanged))
    if (r.ok && r.forks === 0 && lie === undefined) continue
    t.failed++
    const why = r.violation
      ? describeViolation(r.violation)
      : lie
        ? `lie ${lie.kind} got '${lie.code}' (expected ${lie.expect}) in ledger ${lie.ledger}`
        : `reached ${r.ledgers} ledgers, target missed`
    if (t.failures.length < 10) t.failures.push(`${search} seed ${seed}: ${why}`)
    const replay = search === 'faults' ? '--runs 1 --market-runs 0' : '--runs 0 --market-runs 1'
    console.error(
      `soak: FAILED ${search} seed ${seed}: ${why} (replay: npm run soak -- ${replay} --seed ${seed} --kills 0)`,
    )
  }
  return t
}

/** One child process per job, each a contiguous slice of the seeds; their tallies summed. */
const searchInJobs = async (
  search: Search,
  first: number,
  runs: number,
  jobs: number,
): Promise<SearchTally> => {
  const per = Math.ceil(runs / jobs)
  const slices = Array.from({ length: jobs }, (_, j) => [
    first + j * per,
    first + Math.min(runs, (j + 1) * per),
  ])
  const tallies = await Promise.all(
    slices
      .filter(([a, b]) => a! < b!)
      .map(
        ([a, b]) =>
          new Promise<SearchTally>((resolve, reject) => {
            const child = spawn(process.execPath, [import.meta.filename, '--slice', `${search}:${a}:${b}`], {
              stdio: ['ignore', 'pipe', 'inherit'],
            })
            let out = ''
            child.stdout.on('data', (d) => (out += d))
            child.on('exit', (code) => {
              const last = out.trim().split('\n').at(-1) ?? ''
              try {
                resolve(JSON.parse(last) as SearchTally)
              } catch {
                reject(new Error(`soak: job ${a}:${b} exited ${code} without a tally`))
              }
            })
          }),
      ),
  )
  return tallies.reduce(sumTallies, NO_SEARCH)
}

const sumTallies = (s: SearchTally, t: SearchTally): SearchTally => ({
  runs: s.runs + t.runs,
  forks: s.forks + t.forks,
  failed: s.failed + t.failed,
  failures: [...s.failures, ...t.failures].slice(0, 10),
})

/**
 * The hard-kill e2es with `kills` kills in all: a quarter mid-seal, a tenth while a deal's window
 * proof is pending, the rest while payments apply; true when both passed.
 */
const hardKills = (kills: number): boolean => {
  const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0
  if (!run('npx', ['vite', 'build', '--logLevel', 'warn'])) return false
  const sealKills = Math.round(kills / 4)
  const dealKills = Math.round(kills / 10)
  const spec = (file: string, env: Record<string, string>) =>
    run('npx', ['playwright', 'test', file, '--project', 'e2e', '--retries', '0'], env)
  const crashes = spec('e2e/ledger-crash.e2e.ts', {
    CRASH_CYCLES: String(kills - sealKills - dealKills),
    SEAL_KILLS: String(sealKills),
    CRASH_TIMEOUT_MS: String(300_000 + kills * 60_000),
  })
  return spec('e2e/market-kill.e2e.ts', { DEAL_KILLS: String(dealKills) }) && crashes
}

const int = (v: string | undefined, name: string, dflt: number, min: number): number => {
  const n = v === undefined ? dflt : Number(v)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`)
  return n
}

const writeFigures = (figures: Record<string, unknown> & { runs: number }): void => {
  mkdirSync('bench/results', { recursive: true })
  const body = {
    bench: 'soak',
    timestamp: new Date().toISOString(),
    machine: machineFacts(),
    headline: [{ label: 'fault runs / 10^4 required', ratio: figures.runs / 10_000, aim: 1 }],
    ...figures,
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify(body, null, 2)}\n`)
}

interface SoakArgs {
  runs: number
  marketRuns: number
  seed: number
  jobs: number
  kills: number
}

const parseSoakArgs = (v: Record<string, string | undefined>): SoakArgs => ({
  runs: int(v.runs, 'runs', 10_000, 0),
  marketRuns: int(v['market-runs'], 'market-runs', 300, 0),
  seed: int(v.seed, 'seed', 1, 0),
  jobs: int(v.jobs, 'jobs', availableParallelism(), 1),
  kills: int(v.kills, 'kills', 100, 0),
})

const soak = async (a: SoakArgs): Promise<number> => {
  console.error(
    `soak: ${a.runs} fault and ${a.marketRuns} market runs from seed ${a.seed} in ${a.jobs} jobs, then ${a.kills} hard kills`,
  )
  const started = performance.now()
  const faults = a.runs > 0 ? await searchInJobs('faults', a.seed, a.runs, a.jobs) : NO_SEARCH
  const market = a.marketRuns > 0 ? await searchInJobs('market', a.seed, a.marketRuns, a.jobs) : NO_SEARCH
  const search = sumTallies(faults, market)
  const searchSeconds = Number(((performance.now() - started) / 1000).toFixed(1))
  const killsOk = a.kills === 0 || hardKills(a.kills)
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1))
  const ok = search.failed === 0 && search.forks === 0 && killsOk
  const { forks, failed } = search
  const summary = {
    runs: faults.runs,
    forks,
    failed,
    marketRuns: market.runs,
    kills: a.kills,
    killsOk,
    seconds,
    ok,
  }
  // the figures are the full counts' (a replay of one seed does not overwrite them)
  if (faults.runs >= 10_000)
    writeFigures({ ...summary, firstSeed: a.seed, jobs: a.jobs, searchSeconds, failures: search.failures })
  console.log(JSON.stringify(summary))
  return ok ? 0 : 1
}

const main = async (): Promise<number> => {
  const { values: v } = parseArgs({
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      kills: { type: 'string' },
      'market-runs': { type: 'string' },
      slice: { type: 'string' },
    },
  })
  if (v.slice !== undefined) {
    const [search, from, to] = v.slice.split(':')
    console.log(JSON.stringify(await searchSlice(search as Search, Number(from), Number(to))))
    return 0
  }
  let args: SoakArgs
  try {
    args = parseSoakArgs(v)
  } catch (e) {
    console.error(`soak: ${(e as Error).message}`)
    return 2
  }
  return soak(args)
}

if (import.meta.main) process.exitCode = await main()
