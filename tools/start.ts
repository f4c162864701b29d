// `npm start`: builds the PWA if needed, then starts a local devnet — the relay serving the app
// on one URL and, by default, one headless Chromium validator. Flags:
//   --validators N       headless validators (default 1; 0 prints a one-time validator link)
//   --seed-accounts N    seed accounts named in genesis, where mining trust starts (default 2);
//                        their recovery phrases are printed: restore one in the Wallet tab
//   --close-interval S   seconds between ledgers (default 1)
//   --day-length S       seconds in a mining day (default 86400)
//   --port N / PORT env  HTTP port (default 8080); --host ADDR (default 127.0.0.1)
//   --network NAME       network name (default devnet)
//   --no-build           serve dist/ as it is
//   --no-headless        launch no validators, print their one-time links instead
//   --auto-admit         the validators admit every watcher that asks to validate (devnet only)
//   --export-days DIR    write each finished day's export (the first headless validator's) to DIR
//                        as the day finishes, for `npm run sim -- --replay FILE` (tools/day-exports.ts)
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { toWattError } from '../shared/util/errors.ts'
import { startDevnet } from './devnet.ts'

const { values } = parseArgs({
  options: {
    validators: { type: 'string', default: '1' },
    'seed-accounts': { type: 'string', default: '2' },
    'close-interval': { type: 'string', default: '1' },
    'day-length': { type: 'string', default: '86400' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    network: { type: 'string', default: process.env.WATT_NETWORK ?? 'devnet' },
    'no-build': { type: 'boolean', default: false },
    'no-headless': { type: 'boolean', default: false },
    'auto-admit': { type: 'boolean', default: false },
    'export-days': { type: 'string' },
  },
  strict: true,
})

const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${v})`)
    process.exit(2)
  }
  return n
}

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name)
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }, 0)

const needsBuild = () =>
  !existsSync('dist/index.html') ||
  Math.max(newest('web'), newest('worker'), newest('shared')) > statSync('dist/index.html').mtimeMs

const exportDays = values['export-days']
if (exportDays !== undefined && (values['no-headless'] || Number(values.validators) === 0)) {
  console.error('--export-days needs headless validators (their days are the ones exported)')
  process.exit(2)
}

if (!values['no-build'] && needsBuild()) {
  console.log('Building the PWA (vite build)...')
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const devnet = await startDevnet({
  port: num('port', values.port, 0, 65535),
  host: values.host!,
  network: values.network!,
  validators: num('validators', values.validators, 0, 16),
  seedAccounts: num('seed-accounts', values['seed-accounts'], 0, 64),
  headless: !values['no-headless'],
  closeIntervalMs: num('close-interval', values['close-interval'], 0.2, 3600) * 1000,
  dayLengthMs: num('day-length', values['day-length'], 1, 86400 * 365) * 1000,
  autoAdmit: values['auto-admit'],
  ...(exportDays === undefined ? {} : { exportDays }),
  staticDir: 'dist',
  log: (line) => console.error(line),
}).catch((e: unknown) => {
  const w = toWattError(e)
  console.error(`npm start: cannot start the devnet (${w.code}): ${w.message ?? ''}`)
  process.exit(1)
})
console.log(`WATT devnet "${values.network}" is up: open ${devnet.relay.httpUrl}`)
if (Number(values.validators) === 0 || values['no-headless']) {
  console.log(
    'One-time links, each making the tab that opens it a validator (use a fresh browser profile each):',
  )
  for (const link of devnet.links) console.log(`  ${link}`)
} else if (devnet.browser) {
  console.log(`${devnet.links.length} headless validator(s) running`)
}
console.log(`Validators: ${devnet.validatorAddresses.join(' ')}`)
// founding members (docs/mining.md, Trust seeds): restoring a phrase makes that wallet a trust seed
for (const s of devnet.seeds) console.log(`Seed account ${s.address}: ${s.phrase}`)
console.log(
  `Devnet only: ${devnet.relay.httpUrl}/genesis publishes the faucet key to anyone who can reach it (docs/relay.md).`,
)

let stopping = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return
    stopping = true
    void devnet.stop().then(() => process.exit(0))
  })
}
