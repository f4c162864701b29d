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
  httpRequestsPerIpPerMinute?: number
  wsConnectionsPerIpPerMinute?: number
  maxReservations?: number
  reservationsPerIp?: number
  dataDir?: string
  tlsCertFile?: string
  tlsKeyFile?: string
  /** Repeatable flags, in the order given. */
  announce: string[]
  peers: string[]
  stun: string[]
  turn: string[]
  /** `text` (default) or `json`: one JSON object per log line. */
  logFormat?: string
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
  --requests-per-minute-per-ip N     HTTP requests per IP a minute, then 429 (default 600)
  --connections-per-minute-per-ip N  new WebSockets per IP a minute, then reset (default 300)
  --max-reservations N   circuit relay reservations in all (default: max-connections)
  --reservations-per-ip N  reservations held from one IP address (default 32)
  --data-dir DIR         keep the relay's key here: the same peer id after a restart
  --tls-cert FILE        PEM certificate chain: serve HTTPS and wss:// (needs --tls-key)
  --tls-key FILE         PEM private key of --tls-cert
  --announce ADDR        public multiaddr browsers should dial (repeatable; behind a proxy)
  --peer ADDR            another relay to link to, .../p2p/<peerId> (repeatable)
  --stun URL             STUN server for browsers, stun:host:port (repeatable)
  --turn URL,USER,CRED   TURN server for browsers (repeatable)
  --log-format FORMAT    text (default) or json: one JSON object per line
  --devnet               this is a devnet: allow a genesis that publishes its faucetSecret
  --help                 print this and exit`

type Repeated = 'announce' | 'peers' | 'stun' | 'turn'
type Key = Exclude<keyof CliConfig, 'help' | 'devnet' | Repeated>
const REPEATED: Record<string, Repeated> = {
  '--announce': 'announce',
  '--peer': 'peers',
  '--stun': 'stun',
  '--turn': 'turn',
}
/** A limit on everything that grows: no flag repeats more often than this. */
export const MAX_REPEATS = 16
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
  '--requests-per-minute-per-ip': 'httpRequestsPerIpPerMinute',
  '--connections-per-minute-per-ip': 'wsConnectionsPerIpPerMinute',
  '--max-reservations': 'maxReservations',
  '--reservations-per-ip': 'reservationsPerIp',
  '--data-dir': 'dataDir',
  '--tls-cert': 'tlsCertFile',
  '--tls-key': 'tlsKeyFile',
  '--log-format': 'logFormat',
}
const ENV: Record<string, Key> = { HOST: 'host', PORT: 'port', WS_PORT: 'wsPort', WATT_NETWORK: 'network' }
const NUMERIC = new Set<Key>([
  'port',
  'wsPort',
  'maxConnections',
  'httpSocketsPerIp',
  'wsSocketsPerIp',
  'httpRequestsPerIpPerMinute',
  'wsConnectionsPerIpPerMinute',
  'maxReservations',
  'reservationsPerIp',
])

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

const toConfig = (
  v: Values,
  flags: { help: boolean; devnet: boolean },
  repeated: Record<Repeated, string[]>,
): CliConfig => {
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
    httpRequestsPerIpPerMinute: num('httpRequestsPerIpPerMinute'),
    wsConnectionsPerIpPerMinute: num('wsConnectionsPerIpPerMinute'),
    maxReservations: num('maxReservations'),
    reservationsPerIp: num('reservationsPerIp'),
    dataDir: str('dataDir'),
    tlsCertFile: str('tlsCertFile'),
    tlsKeyFile: str('tlsKeyFile'),
    logFormat: str('logFormat'),
    ...repeated,
    ...flags,
  }
}

/** Flags that only make sense together or take one of a few words. */
const checked = (c: CliConfig): Result<CliConfig> => {
  if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined))
    return err(usageError('--tls-cert and --tls-key go together'))
  if (c.logFormat !== undefined && c.logFormat !== 'text' && c.logFormat !== 'json')
    return err(usageError(`--log-format is text or json, got "${c.logFormat}"`))
  for (const t of c.turn) {
    if (t.split(',').length !== 3) return err(usageError(`--turn needs URL,USER,CRED, got "${t}"`))
  }
  return ok(c)
}

export const parseCli = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<CliConfig> => {
  const values: Values = {}
  const flags = { help: false, devnet: false }
  const repeated: Record<Repeated, string[]> = { announce: [], peers: [], stun: [], turn: [] }
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
    const list = REPEATED[name]
    if (key === undefined && list === undefined) return err(usageError(`unknown option "${arg}"`))
    const value = name !== arg ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) return err(usageError(`${name} needs a value`))
    if (list !== undefined) {
      if (repeated[list].length >= MAX_REPEATS) return err(usageError(`${name} at most ${MAX_REPEATS} times`))
      repeated[list].push(value)
      continue
    }
    const e = setValue(values, key as Key, value, name)
    if (e) return err(e)
  }
  return checked(toConfig(values, flags, repeated))
}
