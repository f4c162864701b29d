// The purity lint (biome.json's shared/ override and tools/lint/shared-purity.grit) on probe files
// written under shared/ for the run: every forbidden use is reported on its own line, the allowed
// look-alikes are not, and a test file under shared/ may use what the product code may not.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

const ROOT = join(import.meta.dirname, '..', '..')

/** One line each; every one must be reported. */
const FORBIDDEN = [
  'export const a = globalThis.structuredClone',
  'export const b = crypto.subtle',
  'export const c = () => crypto.getRandomValues(new Uint8Array(4))',
  'export const d = () => queueMicrotask(() => {})',
  'export const e = queueMicrotask',
  'export const f = () => new XMLHttpRequest()',
  'export const g = () => location.href',
  'export const h = () => new MessageChannel()',
  'export const i = () => new BroadcastChannel("x")',
  'export const j = () => new Worker("x")',
  'export const k = () => console.log("x")',
  'export const l = Math.random',
  'export const m = () => Math.random()',
  'export const n = Date.now',
  'export const o = () => new Date()',
  'export const p = () => performance.now()',
  'export const q = () => setTimeout(() => {}, 1)',
  'export const r = () => fetch("/x")',
  'export const s = () => window.name',
  'export const t = () => self.name',
]

/** Look-alikes that are fine: other members of Math, and local names that shadow a global. */
const ALLOWED = [
  'export const u = Math.floor(1.5)',
  'export const v = (console: { log(s: string): void }) => console.log("x")',
  'export const w = (crypto: { subtle: number }) => crypto.subtle',
  'export const x = (log: (s: string) => void) => log("x")',
]

/** The lines biome reports an error on, for `source` written to `path` (relative to the root). */
const reportedLines = (path: string, source: string): number[] => {
  const file = join(ROOT, path)
  writeFileSync(file, source)
  try {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['lint', '--reporter=json', path], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    const out = JSON.parse(r.stdout) as {
      diagnostics: Array<{ severity: string; location: { start: { line: number } } }>
    }
    return out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.location.start.line)
  } finally {
    rmSync(file, { force: true })
  }
}

test('every forbidden use in shared/ is reported, the allowed look-alikes are not', () => {
  const lines = reportedLines(`shared/purity-probe-${process.pid}.ts`, [...FORBIDDEN, ...ALLOWED].join('\n'))
  for (const [i, snippet] of FORBIDDEN.entries()) assert.ok(lines.includes(i + 1), `not reported: ${snippet}`)
  for (const [i, snippet] of ALLOWED.entries())
    assert.ok(!lines.includes(FORBIDDEN.length + i + 1), `reported but allowed: ${snippet}`)
})

test('tests under shared/ may use the clock, randomness and the console', () => {
  const source = ['export const a = () => console.log(Date.now(), Math.random())', FORBIDDEN[1]].join('\n')
  assert.deepEqual(reportedLines(`shared/purity-probe-${process.pid}.test.ts`, source), [])
})
