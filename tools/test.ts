// `npm test`: everything CI must guarantee, in order of cost — lint, typecheck, Node unit
// tests, the PWA build, then real-Chromium browser and e2e tests. Stops at the first failure.
import { spawnSync } from 'node:child_process'
import { ensureChromium } from './chromium.ts'

const run = (label: string, cmd: string, args: string[], env: Record<string, string> = {}) => {
  const started = Date.now()
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const secs = ((Date.now() - started) / 1000).toFixed(1)
  if (r.status !== 0) {
    console.error(`=== ${label} failed after ${secs}s (exit ${r.status ?? r.signal})`)
    process.exit(r.status ?? 1)
  }
  console.log(`=== ${label} passed in ${secs}s`)
}

const only = process.argv[2]
const npx = 'npx'
const steps: Array<[string, () => void]> = [
  ['lint', () => run('lint', npx, ['biome', 'check', '.'])],
  ['typecheck', () => run('typecheck', npx, ['tsc', '--noEmit', '-p', 'tsconfig.json'])],
  ['unit', () => run('unit', 'npm', ['run', '--silent', 'test:unit'])],
  ['build', () => run('build', npx, ['vite', 'build', '--logLevel', 'warn'])],
  [
    'browser',
    () => {
      const chromium = ensureChromium()
      run('browser+e2e', npx, ['playwright', 'test'], { CHROMIUM_PATH: chromium })
    },
  ],
]
for (const [name, step] of steps) if (!only || only === name) step()
