// Simulator benchmark: simulated ledgers per CPU-second at 10, 100 and 1,000 validators in the
// tiered topology and 100 in a full-mesh core (the real herder over real SCP + ledger, simulated
// signatures), messages per ledger against one all-to-all exchange (n * (n - 1) messages), and
// each rate as a ratio to the aim (1,000 ledgers in 60 CPU-seconds). Writes
// bench/results/sim.json. `node bench/sim.ts [--quick]`.
import { mkdirSync, writeFileSync } from 'node:fs'
import { DEFAULT_SCENARIO, runScenario } from '../shared/sim/scenario.ts'
import type { TopologyKind } from '../shared/sim/topology.ts'

interface Case {
  readonly validators: number
  readonly topology: TopologyKind
  readonly ledgers: number
}

/** Issue 11's aim: 100 validators (tiers) x 1,000 ledgers within 60 s on one core. */
const AIM_LEDGERS_PER_CPU_SECOND = 1000 / 60

const quick = process.argv.includes('--quick')
const cases: Case[] = quick
  ? [
      { validators: 10, topology: 'tiers', ledgers: 20 },
      { validators: 100, topology: 'tiers', ledgers: 3 },
    ]
  : [
      { validators: 10, topology: 'tiers', ledgers: 200 },
      { validators: 100, topology: 'tiers', ledgers: 20 },
      { validators: 1000, topology: 'tiers', ledgers: 2 },
      { validators: 100, topology: 'core', ledgers: 2 },
    ]

const rows = []
for (const c of cases) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await runScenario({ ...DEFAULT_SCENARIO, ...c, seed: 1, coreSize: 7, accounts: 0 })
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const n = c.validators
  // Slot 1 (the first ledger after genesis) counts as a ledger too: r.ledgers + 1 slots ran.
  const perLedger = r.messages / (r.ledgers + 1)
  const row = {
    ...c,
    ok: r.ok,
    ledgersClosed: r.ledgers,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    ledgersPerWallSecond: Number(((r.ledgers + 1) / (wallMs / 1000)).toFixed(3)),
    ledgersPerCpuSecond: Number(((r.ledgers + 1) / (cpuMs / 1000)).toFixed(3)),
    ratioToAim: Number(((r.ledgers + 1) / (cpuMs / 1000) / AIM_LEDGERS_PER_CPU_SECOND).toFixed(4)),
    messagesPerLedger: Math.round(perLedger),
    allToAllPerLedger: n * (n - 1),
    ratioToAllToAll: Number((perLedger / (n * (n - 1))).toFixed(3)),
    meanCloseMs: r.meanCloseMs,
    projectedCpuSecondsFor1000Ledgers: Math.round((1000 * cpuMs) / 1000 / (r.ledgers + 1)),
  }
  rows.push(row)
  console.error(JSON.stringify(row))
}

const out = {
  bench: 'sim',
  quick,
  node: process.version,
  aimLedgersPerCpuSecond: AIM_LEDGERS_PER_CPU_SECOND,
  cases: rows,
}
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/sim.json', `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out))
