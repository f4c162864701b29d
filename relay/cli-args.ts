// Command-line and environment parsing for relay/main.ts, kept apart so it can be tested
// without starting anything. Flags win over environment variables, which win over defaults.
import { err, ok, type Result, type WattError } from '../shared/util/errors.ts'

export interface CliConfig {
  host?: string
  port?: number
  wsPort?: number
  network?: string
  staticDir?: string
  genesisFile?: string
  quorumSetFile?: string
  maxConnections?: number
  httpSocketsPerIp?: number
  wsSocketsPerIp?: number
  /** This relay serves a devnet: it may serve a genesis with a faucet secret. */
  devnet: boolean
  help: boolean
}

export const USAGE = `usage: node relay/main.ts [options]
  --host ADDR            IPv4 address to listen on (env HOST; default 127.0.0.1; 0.0.0.0 for all)
  --port N               HTTP port (env PORT; default 8080; 0 = any free port)
  --ws-port N            libp2p WebSockets port (env WS_PORT; default port+1)
  --network NAME         network name (env WATT_NETWORK; default devnet)
  --static DIR           serve the built PWA from DIR (e.g. dist)
  --genesis FILE.json    serve FILE.json at /genesis
  --quorum-set FILE.json recommend this quorum set in /bootstrap
  --max-connections N    libp2p connection limit (default 256)
  --http-sockets-per-ip N  open HTTP sockets one IP address may hold (default 64)
  --ws-sockets-per-ip N  open WebSockets sockets one IP address may hold (default 32)
  --devnet               this is a devnet: allow a genesis that publishes its faucetSecret
  --help                 print this and exit`

type Key = Exclude<keyof CliConfig, 'help' | 'devnet'>
const FLAGS: Record<string, Key> = {
  '--host': 'host',
  '--port': 'port',
  '--ws-port': 'wsPort',
  '--network': 'network',
  '--static': 'staticDir',
  '--genesis': 'genesisFile',
  '--quorum-set': 'quorumSetFile',
  '--max-connections': 'maxConnections',
  '--http-sockets-per-ip': 'httpSocketsPerIp',
  '--ws-sockets-per-ip': 'wsSocketsPerIp',
}
const ENV: Record<string, Key> = { HOST: 'host', PORT: 'port', WS_PORT: 'wsPort', WATT_NETWORK: 'network' }
const NUMERIC = new Set<Key>(['port', 'wsPort', 'maxConnections', 'httpSocketsPerIp', 'wsSocketsPerIp'])

const usageError = (message: string): WattError<'relay/usage'> => ({ code: 'relay/usage', message })

type Values = Partial<Record<Key, string | number>>

const setValue = (values: Values, key: Key, raw: string, from: string): WattError | undefined => {
  if (!NUMERIC.has(key)) {
    values[key] = raw
    return undefined
  }
  if (!/^\d{1,6}$/.test(raw)) return usageError(`${from} needs a whole number, got "${raw}"`)
  values[key] = Number(raw)
  return undefined
}

const toConfig = (v: Values, flags: { help: boolean; devnet: boolean }): CliConfig => {
  const str = (k: Key) => (typeof v[k] === 'string' ? v[k] : undefined)
  const num = (k: Key) => (typeof v[k] === 'number' ? v[k] : undefined)
  return {
    host: str('host'),
    port: num('port'),
    wsPort: num('wsPort'),
    network: str('network'),
    staticDir: str('staticDir'),
    genesisFile: str('genesisFile'),
    quorumSetFile: str('quorumSetFile'),
    maxConnections: num('maxConnections'),
    httpSocketsPerIp: num('httpSocketsPerIp'),
    wsSocketsPerIp: num('wsSocketsPerIp'),
    ...flags,
  }
}

export const parseCli = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<CliConfig> => {
  const values: Values = {}
  const flags = { help: false, devnet: false }
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name]
    if (v === undefined || v === '') continue
    const e = setValue(values, key, v, `env ${name}`)
    if (e) return err(e)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--help' || arg === '-h' || arg === '--devnet') {
      flags[arg === '--devnet' ? 'devnet' : 'help'] = true
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    const key = FLAGS[name]
    if (key === undefined) return err(usageError(`unknown option "${arg}"`))
    const value = name !== arg ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) return err(usageError(`${name} needs a value`))
    const e = setValue(values, key, value, name)
    if (e) return err(e)
  }
  return ok(toConfig(values, flags))
}
