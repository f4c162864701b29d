// `npm run bench [-- NAME...]`: runs the benchmarks one after another, each in its own Node
// process with a time limit, then prints a summary table read from their bench/results/*.json.
// Benchmarks whose script does not exist yet are listed as missing, not failed. `--list` names them.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'

interface Bench {
  readonly name: string
  readonly script: string
  readonly args?: readonly string[]
  readonly limitS: number
  readonly about: string
  /** Summary lines for results that do not carry a `headline` (benchmarks owned elsewhere). */
  readonly summarize?: (r: Record<string, unknown>) => string[]
}

type Json = Record<string, unknown>
const num = (x: unknown): string => (typeof x === 'number' ? String(x) : '?')
const arr = (x: unknown): Json[] => (Array.isArray(x) ? (x as Json[]) : [])
const obj = (x: unknown): Json => (x && typeof x === 'object' ? (x as Json) : {})

const BENCHES: readonly Bench[] = [
  {
    name: 'runtime-webrtc',
    script: 'bench/runtime-webrtc.ts',
    limitS: 300,
    about: 'first WebRTC peer, round trip, libp2p stream vs raw data channel (issue 2)',
  },
  {
    name: 'retrieval-browser',
    script: 'bench/retrieval-browser.ts',
    limitS: 500,
    about: 'retrieval.fetch vs raw data channel, first verified byte, heap per fetch, churn rate (issue 15)',
  },
  {
    name: 'ledger-node',
    script: 'bench/ledger-node.ts',
    limitS: 400,
    about: 'payments verified+applied/s vs WebCrypto verifies/s in Node (issue 3)',
  },
  {
    name: 'ledger-browser',
    script: 'bench/ledger-browser.ts',
    limitS: 500,
    about: 'the same in a Chromium worker, IndexedDB commit per 1,000-payment ledger (issue 3)',
  },
  {
    name: 'consensus-devnet',
    script: 'bench/consensus-devnet.ts',
    limitS: 400,
    about: '4 browser validators at 1 s: close latency p50/p99, ledgers per minute (issue 4)',
  },
  {
    name: 'consensus-core',
    script: 'bench/consensus-core.ts',
    limitS: 300,
    about: 'SCP envelopes/s (pure state machine), quorum analysis of correct.json (issue 4)',
  },
  {
    name: 'sim',
    script: 'bench/sim.ts',
    args: ['--quick'],
    limitS: 600,
    about: 'simulated ledgers per wall-second by network size (issue 5; --quick cases)',
    summarize: (r) =>
      arr(r.cases).map(
        (c) =>
          `${num(c.validators)} validators (${String(c.topology)}): ${num(c.ledgersPerWallSecond)} ledgers/s, msgs/ledger ${num(c.ratioToAllToAll)}x all-to-all`,
      ),
  },
  {
    name: 'mining-node',
    script: 'bench/mining-node.ts',
    limitS: 400,
    about: 'one day distribution for 10^4..10^6 accounts in Node (issue 6)',
    summarize: (r) => arr(r.runs).map((x) => `${num(x.accounts)} accounts: ${num(x.msMin)} ms`),
  },
  {
    name: 'mining-browser',
    script: 'bench/browser/mining-worker.ts',
    limitS: 400,
    about: 'one day distribution in a Chromium worker (issue 6)',
  },
  {
    name: 'storage-node',
    script: 'bench/storage-node.ts',
    limitS: 400,
    about: 'import vs SHA-256, sealing vs lower bound, PoSt, unseal in Node (issue 7)',
    summarize: (r) => {
      const imp = obj(obj(r.import).wasm)
      const seal = obj(r.sealing)
      return [
        `import ${num(imp.mibPerS)} MiB/s (wasm)`,
        `sealing ${num(seal.cpuSPerMiB)} s/MiB vs bound ${num(seal.lowerBoundSPerMiB)}: ${num(seal.overheadOverBound)}x`,
      ]
    },
  },
  {
    name: 'storage-browser',
    script: 'bench/browser/storage-worker.ts',
    limitS: 400,
    about: 'proof worker in Chromium: import vs SHA-256, sealing vs bound, PoSt, unseal (issue 7)',
  },
  {
    name: 'market-node',
    script: 'bench/market-node.ts',
    limitS: 600,
    about: 'deal onboarding vs sealing alone, window-proof verify cost, proof bytes per day (issue 13)',
  },
]

const runOne = (b: Bench): Promise<{ code: number | null; seconds: number; timedOut: boolean }> =>
  new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [b.script, ...(b.args ?? [])], { stdio: 'inherit', detached: true })
    let timedOut = false
    const killGroup = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup()
    }, b.limitS * 1000)
    // the benchmark runs in its own process group (its browsers and servers with it): end it on ^C
    const onInterrupt = () => {
      killGroup()
      process.exit(130)
    }
    process.once('SIGINT', onInterrupt)
    child.on('exit', (code) => {
      clearTimeout(timer)
      process.off('SIGINT', onInterrupt)
      resolve({ code, seconds: Math.round((performance.now() - t0) / 100) / 10, timedOut })
    })
  })

/** The result file's summary lines, when the benchmark wrote it during this run. */
const summaryOf = (b: Bench, since: number): string[] => {
  const file = `bench/results/${b.name}.json`
  if (!existsSync(file) || statSync(file).mtimeMs < since) return ['(no result written)']
  const r = JSON.parse(readFileSync(file, 'utf8')) as Json
  const headline = arr(r.headline)
  if (headline.length > 0) {
    return headline.map(
      (h) => `${String(h.label)}: ratio ${num(h.ratio)}${typeof h.aim === 'number' ? ` (aim ${h.aim})` : ''}`,
    )
  }
  return b.summarize ? b.summarize(r) : ['(see the JSON)']
}

const main = async () => {
  const args = process.argv.slice(2)
  if (args.includes('--list')) {
    for (const b of BENCHES) console.log(`${b.name.padEnd(18)} ${b.about}`)
    return
  }
  const unknown = args.filter((a) => !BENCHES.some((b) => b.name === a))
  if (unknown.length > 0) {
    console.error(`bench: unknown ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`)
    process.exit(2)
  }
  const chosen = args.length > 0 ? BENCHES.filter((b) => args.includes(b.name)) : BENCHES
  const rows: { name: string; status: string; seconds: number; lines: string[] }[] = []
  for (const b of chosen) {
    if (!existsSync(b.script)) {
      rows.push({ name: b.name, status: 'missing', seconds: 0, lines: [`${b.script} does not exist yet`] })
      continue
    }
    console.log(`\n=== bench ${b.name}: ${b.about}`)
    const since = Date.now()
    const run = await runOne(b)
    const status = run.timedOut ? `timeout ${b.limitS}s` : run.code === 0 ? 'ok' : `exit ${run.code}`
    rows.push({ name: b.name, status, seconds: run.seconds, lines: summaryOf(b, since) })
  }
  console.log('\n=== summary (figures in bench/results/<name>.json)')
  for (const r of rows) {
    const [first, ...rest] = r.lines
    console.log(`${r.name.padEnd(18)} ${r.status.padEnd(12)} ${`${r.seconds}s`.padStart(7)}  ${first ?? ''}`)
    for (const l of rest) console.log(`${''.padEnd(40)}${l}`)
  }
  if (rows.some((r) => r.status !== 'ok' && r.status !== 'missing')) process.exit(1)
}

await main()
