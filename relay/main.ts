// The relay as a program: parse flags and env, start, print where it listens, and shut down
// cleanly on SIGINT/SIGTERM. Exit codes: 0 clean stop, 1 failed to start, 2 bad usage.
import { readFileSync } from 'node:fs'
import { toWattError } from '../shared/util/errors.ts'
import { type CliConfig, parseCli, USAGE } from './cli-args.ts'
import { jsonLogLine, textLogLine } from './log-format.ts'
import type { IceServer } from './options.ts'

const SHUTDOWN_GRACE_MS = 5_000

let format = textLogLine
const log = (line: string): void => {
  process.stderr.write(`${format(line, new Date())}\n`)
}

const die = (code: number, message: string): never => {
  process.stderr.write(`relay: ${message}\n`)
  process.exit(code)
}

const readJson = (flag: string, file: string | undefined): unknown => {
  if (file === undefined) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    return die(1, `${flag} ${file}: ${(e as Error).message}`)
  }
}

const readText = (flag: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    return die(1, `${flag} ${file}: ${(e as Error).message}`)
  }
}

const tlsOf = (cfg: CliConfig) =>
  cfg.tlsCertFile === undefined || cfg.tlsKeyFile === undefined
    ? undefined
    : { cert: readText('--tls-cert', cfg.tlsCertFile), key: readText('--tls-key', cfg.tlsKeyFile) }

/** --stun URL and --turn URL,USER,CRED (parseCli checked the three parts). */
const iceServersOf = (cfg: CliConfig): IceServer[] => [
  ...cfg.stun.map((urls) => ({ urls })),
  ...cfg.turn.map((t) => {
    const [urls = '', username, credential] = t.split(',')
    return { urls, username, credential }
  }),
]

const main = async (): Promise<void> => {
  const parsed = parseCli(process.argv.slice(2), process.env)
  if (!parsed.ok) return die(2, `${parsed.error.message}\n${USAGE}`)
  const cfg = parsed.value
  if (cfg.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (cfg.logFormat === 'json') format = jsonLogLine
  // loaded only now: libp2p takes a while to import, and usage errors should be instant
  const { startRelay } = await import('./server.ts')
  // the relay holds no state worth dying for: a stray library error is logged, not fatal
  process.on('uncaughtException', (e) => log(`relay uncaught error=${JSON.stringify(String(e))}`))
  process.on('unhandledRejection', (e) => log(`relay unhandled-rejection error=${JSON.stringify(String(e))}`))

  const relay = await startRelay({
    host: cfg.host,
    port: cfg.port,
    wsPort: cfg.wsPort,
    network: cfg.network,
    staticDir: cfg.staticDir,
    genesis: readJson('--genesis', cfg.genesisFile),
    recommendedQuorumSet: readJson('--quorum-set', cfg.quorumSetFile),
    maxConnections: cfg.maxConnections,
    devnet: cfg.devnet,
    dataDir: cfg.dataDir,
    tls: tlsOf(cfg),
    announce: cfg.announce,
    peers: cfg.peers,
    iceServers: iceServersOf(cfg),
    limits: {
      httpMaxSocketsPerIp: cfg.httpSocketsPerIp,
      wsMaxSocketsPerIp: cfg.wsSocketsPerIp,
      httpRequestsPerIpPerMinute: cfg.httpRequestsPerIpPerMinute,
      wsConnectionsPerIpPerMinute: cfg.wsConnectionsPerIpPerMinute,
      maxReservations: cfg.maxReservations,
      reservationsPerIp: cfg.reservationsPerIp,
    },
    log,
  }).catch((e: unknown) => {
    const w = toWattError(e)
    return die(1, `cannot start (${w.code}): ${w.message ?? ''}`)
  })
  const network = cfg.network ?? 'devnet'
  process.stdout.write(`WATT relay listening on ${relay.httpUrl} (network ${network})\n`)
  for (const ma of relay.multiaddrs) process.stdout.write(`  ${ma}\n`)

  let shuttingDown = false
  const shutdown = (signal: string) => {
    if (shuttingDown) return
    shuttingDown = true
    log(`relay stopping signal=${signal}`)
    setTimeout(() => die(1, 'shutdown took too long'), SHUTDOWN_GRACE_MS).unref()
    relay.stop().then(
      () => process.exit(0),
      (e: unknown) => die(1, `stop failed: ${String(e)}`),
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

await main()
