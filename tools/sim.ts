// `npm run sim`: runs the deterministic WATT simulator (shared/sim) from the command line.
//   npm run sim -- --validators 50 --ledgers 500 --seed 7 [--drop 0.05 --delay 800 --partition 1
//     --crash 2 --byzantine 1 --byzantine-kind equivocate --topology core --accounts 100 --tps 5
//     --days 2 --day-length 60 --close-interval 1000 --fault-window 10000 --signatures fast|ed25519] [--search N]
//     [--mutation quorum-threshold-minus-one]  (test-only: proves the checkers catch a broken quorum check)
//   npm run sim -- --days 1 --day-length 10 --accounts 20 --export DAY.json   (writes the last finished day)
//   npm run sim -- --replay DAY.json [--genesis GENESIS.json]   (a node's day, any day: its ledgers
//     re-applied too, from the start state it carries, under its genesis config or GENESIS.json's)
// Prints a progress line on stderr and ends with one JSON line on stdout; exits 1 on a violated
// invariant (printing the seed and the first violation) and 2 on bad arguments.
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BYZANTINE_KINDS, type ByzantineKind } from '../shared/sim/byzantine.ts'
import { describeViolation } from '../shared/sim/checkers.ts'
import type { GenesisConfig } from '../shared/ledger/config.ts'
import { configFromJson, configToJson } from '../shared/node/config-json.ts'
import { genesisFromJson } from '../shared/node/genesis-document.ts'
import { type DayExport, parseDayExport, replayDay } from '../shared/sim/day-export.ts'
import { replayExportedDay } from '../shared/sim/day-ledgers.ts'
import { firstDifference, toJson } from '../shared/sim/json-diff.ts'
import { err, ok, type Result, toWattError, type WattError, wattError } from '../shared/util/errors.ts'
import {
  DEFAULT_SCENARIO,
  type ScenarioOptions,
  type ScenarioResult,
  runScenario,
} from '../shared/sim/scenario.ts'
import { TOPOLOGY_KINDS, type TopologyKind } from '../shared/sim/topology.ts'

const OPTIONS = {
  validators: { type: 'string' },
  ledgers: { type: 'string' },
  seed: { type: 'string' },
  drop: { type: 'string' },
  dup: { type: 'string' },
  delay: { type: 'string' },
  partition: { type: 'string' },
  crash: { type: 'string' },
  byzantine: { type: 'string' },
  'byzantine-kind': { type: 'string' },
  topology: { type: 'string' },
  core: { type: 'string' },
  accounts: { type: 'string' },
  tps: { type: 'string' },
  days: { type: 'string' },
  'day-length': { type: 'string' },
  'close-interval': { type: 'string' },
  'fault-window': { type: 'string' },
  'no-mining': { type: 'boolean' },
  search: { type: 'string' },
  replay: { type: 'string' },
  genesis: { type: 'string' },
  quiet: { type: 'boolean' },
  mutation: { type: 'string' },
  export: { type: 'string' },
  signatures: { type: 'string' },
} as const

export class UsageError extends Error {}

const num = (v: string | undefined, name: string, def: number, min = 0, max = 1e9): number => {
  if (v === undefined) return def
  const x = Number(v)
  if (!Number.isFinite(x) || x < min || x > max)
    throw new UsageError(`--${name} must be a number in [${min}, ${max}]`)
  return x
}
const int = (v: string | undefined, name: string, def: number, min = 0, max = 1e9): number => {
  const x = num(v, name, def, min, max)
  if (!Number.isInteger(x)) throw new UsageError(`--${name} must be an integer`)
  return x
}

/** Turns command-line flags into scenario options (fractions become ppm, seconds ms). */
export const scenarioFromArgs = (
  argv: readonly string[],
): {
  options: ScenarioOptions
  search: number
  replay?: string
  genesis?: string
  export?: string
  quiet: boolean
} => {
  const { values: v } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  })
  const topology = (v.topology ?? 'core') as TopologyKind
  if (!TOPOLOGY_KINDS.includes(topology))
    throw new UsageError(`--topology is one of ${TOPOLOGY_KINDS.join(', ')}`)
  const byzantineKind = (v['byzantine-kind'] ?? 'equivocate') as ByzantineKind
  if (!BYZANTINE_KINDS.includes(byzantineKind))
    throw new UsageError(`--byzantine-kind is one of ${BYZANTINE_KINDS.join(', ')}`)
  const signatures = v.signatures ?? 'fast'
  if (signatures !== 'fast' && signatures !== 'ed25519')
    throw new UsageError('--signatures is fast or ed25519')
  const validators = int(v.validators, 'validators', 7, 1, 1000)
  const closeIntervalMs = int(v['close-interval'], 'close-interval', 1000, 10, 600_000)
  const dayLengthMs = Math.round(num(v['day-length'], 'day-length', 60, 0.01, 86_400) * 1000)
  const days = num(v.days, 'days', 0, 0, 10_000)
  const ledgers =
    days > 0
      ? Math.ceil((days * dayLengthMs) / closeIntervalMs) + 1
      : int(v.ledgers, 'ledgers', 20, 1, 10_000_000)
  const drop = num(v.drop, 'drop', 0, 0, 0.9)
  const dup = num(v.dup, 'dup', 0, 0, 0.9)
  const delayMs = int(v.delay, 'delay', 0, 0, 600_000)
  const partitions = int(v.partition, 'partition', 0, 0, 1000)
  const crashes = int(v.crash, 'crash', 0, 0, 100_000)
  const anyFault = drop > 0 || dup > 0 || delayMs > 0 || partitions > 0 || crashes > 0
  const options: ScenarioOptions = {
    ...DEFAULT_SCENARIO,
    seed: int(v.seed, 'seed', 1, 0, 2 ** 32 - 1),
    validators,
    ledgers,
    topology,
    coreSize: int(v.core, 'core', Math.min(validators, 7), 1, 1000),
    faults: {
      dropPpm: Math.round(drop * 1e6),
      dupPpm: Math.round(dup * 1e6),
      delayMs,
      partitions,
      crashes,
      windowMs: anyFault
        ? int(v['fault-window'], 'fault-window', Math.floor((ledgers * closeIntervalMs) / 2), 1)
        : 0,
    },
    byzantine: int(v.byzantine, 'byzantine', 0, 0, validators),
    byzantineKind,
    accounts: int(v.accounts, 'accounts', 0, 0, 1_000_000),
    tps: num(v.tps, 'tps', 1, 0, 100_000),
    mining: v['no-mining'] !== true,
    closeIntervalMs,
    dayLengthMs,
    mutation: v.mutation === 'quorum-threshold-minus-one' ? v.mutation : 'none',
    signatures,
  }
  const out = {
    options,
    search: int(v.search, 'search', 0, 0, 1_000_000),
    quiet: v.quiet === true,
    ...(v.export === undefined ? {} : { export: v.export }),
  }
  if (v.genesis !== undefined && v.replay === undefined) throw new UsageError('--genesis goes with --replay')
  return v.replay === undefined
    ? out
    : { ...out, replay: v.replay, ...(v.genesis === undefined ? {} : { genesis: v.genesis }) }
}

export const summary = (r: ScenarioResult, wallMs: number) => ({
  seed: r.seed,
  validators: r.validators,
  ledgers: r.ledgers,
  forks: r.forks,
  meanCloseMs: r.meanCloseMs,
  maxCloseMs: r.maxCloseMs,
  messages: r.messages,
  wallMs,
  ok: r.ok,
})

const failure = (r: ScenarioResult): string =>
  `seed ${r.seed}: ${r.violation ? describeViolation(r.violation) : `only ${r.ledgers} ledgers closed (target missed)`}`

const readGenesis = (genesisFile: string): Result<GenesisConfig, WattError> => {
  try {
    const g = genesisFromJson(JSON.parse(readFileSync(genesisFile, 'utf8')))
    return g.ok ? ok(g.value.config) : g
  } catch (e) {
    return err(toWattError(e))
  }
}

/**
 * The config a day's ledgers replay under: the genesis document given (which must then equal the
 * export's own config), else the export's; undefined for an export without one (the simulator's).
 */
const replayConfig = (doc: DayExport, genesisFile?: string): Result<GenesisConfig | undefined, WattError> => {
  const own = doc.genesis === undefined ? ok(undefined) : configFromJson(doc.genesis)
  if (genesisFile === undefined || !own.ok) return own
  const given = readGenesis(genesisFile)
  if (!given.ok || own.value === undefined) return given
  const asJson = (c: GenesisConfig) => toJson(configToJson(c))
  const d = firstDifference(asJson(own.value), asJson(given.value), '$.genesis')
  return d === undefined ? given : err(wattError('genesis_mismatch', { difference: d }))
}

/** Recomputes the day's distribution and, with a genesis config, re-applies the day's ledgers. */
const replay = async (file: string, genesisFile?: string): Promise<number> => {
  const parsed = parseDayExport(readFileSync(file, 'utf8'))
  if (!parsed.ok) {
    console.log(JSON.stringify({ file, ok: false, error: parsed.error }))
    return 1
  }
  const r = replayDay(parsed.value)
  const config = replayConfig(parsed.value.doc, genesisFile)
  if (!config.ok) {
    console.log(
      JSON.stringify({
        file,
        ok: false,
        error: { ...config.error, code: 'bad_genesis', reason: config.error.code },
      }),
    )
    return 1
  }
  if (config.value === undefined) {
    console.log(JSON.stringify({ file, ...r, ok: r.agree }))
    return r.agree ? 0 : 1
  }
  const l = await replayExportedDay(parsed.value.doc, config.value)
  const ledgers = l.agree
    ? {
        agree: true,
        from: parsed.value.doc.start?.seq,
        ledgers: l.ledgers,
        finalHash: l.finalHash,
        stateRoot: l.stateRoot,
      }
    : l
  const agree = r.agree && l.agree
  console.log(JSON.stringify({ file, ...r, ledgers, ok: agree }))
  return agree ? 0 : 1
}

/** Writes the last finished day of the run as a day export (for `--replay`). */
const writeExport = (file: string, r: ScenarioResult): void => {
  const days = [...r.dayExports.keys()]
  const last = days.length === 0 ? undefined : r.dayExports.get(Math.max(...days))
  if (last === undefined) {
    console.error('sim: no finished day to export (run longer than --day-length, with mining)')
    return
  }
  writeFileSync(file, `${JSON.stringify(last)}\n`)
  console.error(`sim: day ${last.day} exported to ${file}`)
}

const main = async (): Promise<number> => {
  let args: ReturnType<typeof scenarioFromArgs>
  try {
    args = scenarioFromArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`sim: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
  if (args.replay !== undefined) return replay(args.replay, args.genesis)
  const progress = (seed: number) => (p: { virtualMs: number; ledgers: number; messages: number }) => {
    if (!args.quiet && process.stderr.isTTY) {
      process.stderr.write(
        `\rseed ${seed}: ledger ${p.ledgers}, ${p.messages} messages, ${(p.virtualMs / 1000).toFixed(1)} s virtual`,
      )
    } else if (!args.quiet) {
      process.stderr.write(
        `seed ${seed}: ledger ${p.ledgers}, ${p.messages} messages, ${(p.virtualMs / 1000).toFixed(1)} s virtual\n`,
      )
    }
  }
  const runs = Math.max(1, args.search)
  let failed = 0
  for (let i = 0; i < runs; i++) {
    const seed = args.options.seed + i
    const t0 = performance.now()
    const r = await runScenario({ ...args.options, seed, onProgress: progress(seed) })
    const wallMs = Math.round(performance.now() - t0)
    if (!args.quiet && process.stderr.isTTY) process.stderr.write('\n')
    if (args.export !== undefined) writeExport(args.export, r)
    if (!r.ok) {
      failed++
      console.error(`sim: FAILED ${failure(r)}`)
    }
    if (args.search === 0 || !r.ok) console.log(JSON.stringify(summary(r, wallMs)))
    if (!r.ok && args.search === 0) return 1
  }
  if (args.search > 0)
    console.log(JSON.stringify({ search: runs, firstSeed: args.options.seed, failed, ok: failed === 0 }))
  return failed === 0 ? 0 : 1
}

if (import.meta.main) process.exitCode = await main()
