// startRelay: the libp2p relay node plus its HTTP server (health, bootstrap, genesis, the PWA).
// The relay holds no ledger state; it only introduces peers, relays signalling and gossip.
import { readFileSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { WattFailure, wattError } from '../shared/util/errors.ts'
import { dialableHosts, relayMultiaddrs, WILDCARD_HOST, wsPortOf } from './addresses.ts'
import { createHttpServer, errorBody, type JsonRoute } from './http-server.ts'
import { type RelayHandle, type RelayOptions, resolveOptions } from './options.ts'
import { createRelayNode } from './p2p.ts'

export type { ConnectionLimits } from './limits.ts'
export type { RelayCounters, RelayHandle, RelayOptions } from './options.ts'
export { RELAY_LIMITS } from './p2p.ts'

export const RELAY_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

const staticRootOf = async (dir: string | undefined): Promise<string | undefined> => {
  if (dir === undefined) return undefined
  const root = await realpath(dir).catch(() => undefined)
  if (root === undefined || !(await stat(root)).isDirectory()) {
    throw new WattFailure(
      wattError('relay/bad-option', { option: 'staticDir', value: dir, message: 'not a folder' }),
    )
  }
  return root
}

const listen = (server: http.Server, host: string, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })

const closeServer = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })

export const startRelay = async (options: RelayOptions): Promise<RelayHandle> => {
  const opts = resolveOptions(options)
  const staticRoot = await staticRootOf(opts.staticDir)
  const { node, limits, ws, pubsubGuard } = await createRelayNode(opts).catch((e: unknown) => {
    throw new WattFailure(
      wattError('relay/listen-failed', { host: opts.host, port: opts.wsPort, message: (e as Error).message }),
    )
  })
  const peerId = node.peerId.toString()
  const wsPort = wsPortOf(node.getMultiaddrs().map((m) => m.toString())) ?? opts.wsPort
  const multiaddrs = relayMultiaddrs(dialableHosts(opts.host, networkInterfaces()), wsPort, peerId)
  const startedAt = performance.now()
  const connections = () => node.getConnections().length

  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) })
  const routes: Record<string, JsonRoute> = {
    '/health': () =>
      json(200, {
        status: 'ok',
        peerId,
        multiaddrs,
        connections: connections(),
        uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
        version: RELAY_VERSION,
        network: opts.network,
        rejectedMessages: limits.rejected(),
      }),
    '/bootstrap': () => ({
      status: 200,
      body: `{"network":${JSON.stringify(opts.network)},"relays":${JSON.stringify(multiaddrs)}${
        opts.quorumSetJson === undefined ? '' : `,"quorumSet":${opts.quorumSetJson}`
      }}`,
    }),
    '/genesis': () =>
      opts.genesisJson === undefined
        ? { status: 404, body: errorBody('relay/no-genesis', 'this relay serves no genesis') }
        : { status: 200, body: opts.genesisJson },
  }
  const enroll = (token: string) => {
    const payload = opts.enrollments.get(token)
    if (payload === undefined)
      return { status: 410, body: errorBody('relay/enroll-gone', 'unknown or used token') }
    opts.enrollments.delete(token)
    return { status: 200, body: payload }
  }
  const { server, sockets } = createHttpServer({
    json: routes,
    staticRoot,
    limits: opts.limits,
    log: opts.log,
    enroll,
  })
  let httpPort: number
  try {
    httpPort = await listen(server, opts.host, opts.port)
  } catch (e) {
    await node.stop()
    throw new WattFailure(
      wattError('relay/listen-failed', { host: opts.host, port: opts.port, message: (e as Error).message }),
    )
  }

  node.addEventListener('peer:connect', (e) => opts.log(`relay p2p connect peer=${e.detail}`))
  node.addEventListener('peer:disconnect', (e) => opts.log(`relay p2p disconnect peer=${e.detail}`))

  let stopping: Promise<void> | undefined
  return {
    httpUrl: `http://${opts.host === WILDCARD_HOST ? '127.0.0.1' : opts.host}:${httpPort}`,
    peerId,
    multiaddrs,
    connections,
    rejectedMessages: limits.rejected,
    counters: () => ({ http: sockets.counts(), ws: ws.counts(), pubsub: pubsubGuard.counts() }),
    stop: () => {
      stopping ??= Promise.all([node.stop(), closeServer(server)]).then(() => undefined)
      return stopping
    },
  }
}
