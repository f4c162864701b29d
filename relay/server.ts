// startRelay: the libp2p relay node plus its HTTP server (health, bootstrap, genesis, the PWA).
// The relay holds no ledger state; it only introduces peers, relays signalling and gossip.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { readFileSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { WattFailure, wattError } from '../shared/util/errors.ts'
import { checkedMultiaddrs, dialableHosts, relayMultiaddrs, WILDCARD_HOST, wsPortOf } from './addresses.ts'
import { watchEventLoop } from './event-loop.ts'
import { createGateway, GATEWAY_LIMITS } from './gateway.ts'
import { libp2pGatewayNet } from './gateway-net.ts'
import { createHttpServer, type RelayHttp, type RelayHttpServer } from './http-server.ts'
import { loadOrCreateKey } from './identity.ts'
import { type RelayHandle, type RelayOptions, resolveOptions } from './options.ts'
import { createRelayNode } from './p2p.ts'
import { linkPeers } from './peers.ts'
import { enrollment, relayRoutes } from './routes.ts'
import { ZERO_COUNTS } from './socket-gate.ts'

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

const listen = (server: RelayHttpServer, host: string, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })

const closeServer = (server: RelayHttpServer): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })

const badAnnounce = (value: string, message: string): never => {
  throw new WattFailure(wattError('relay/bad-option', { option: 'announce', value, message }))
}

export const startRelay = async (options: RelayOptions): Promise<RelayHandle> => {
  const opts = resolveOptions(options)
  const staticRoot = await staticRootOf(opts.staticDir)
  const privateKey =
    opts.dataDir === undefined ? await generateKeyPair('Ed25519') : await loadOrCreateKey(opts.dataDir)
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  /** Announced public addresses (what browsers are told to dial instead of the listen ones). */
  const announced = checkedMultiaddrs(opts.announce, badAnnounce, peerId)
  const parts = await createRelayNode(opts, privateKey).catch((e: unknown) => {
    throw new WattFailure(
      wattError('relay/listen-failed', { host: opts.host, port: opts.wsPort, message: (e as Error).message }),
    )
  })
  const { node } = parts
  const wsPort = wsPortOf(node.getMultiaddrs().map((m) => m.toString())) ?? opts.wsPort
  const tls = opts.tls !== undefined
  const multiaddrs = relayMultiaddrs(dialableHosts(opts.host, networkInterfaces()), wsPort, peerId, tls)
  const links = linkPeers(node, opts.peers, opts.log)
  const lag = watchEventLoop()
  let http: RelayHttp | undefined
  const gateway = createGateway({ net: libp2pGatewayNet(node, GATEWAY_LIMITS.maxPeers), log: opts.log })
  const routes = relayRoutes({
    opts,
    version: RELAY_VERSION,
    peerId,
    advertised: announced.length === 0 ? multiaddrs : announced,
    parts,
    links,
    lag,
    startedAt: performance.now(),
    responses: () => http?.responses() ?? {},
    sockets: () => http?.sockets.counts() ?? ZERO_COUNTS,
    gateway: gateway.counts,
  })
  http = createHttpServer({
    json: routes,
    staticRoot,
    limits: opts.limits,
    log: opts.log,
    enroll: enrollment(opts),
    tls: opts.tls,
    gateway: gateway.handle,
  })
  const { server, sockets } = http
  let httpPort: number
  try {
    httpPort = await listen(server, opts.host, opts.port)
  } catch (e) {
    links.stop()
    lag.stop()
    await node.stop()
    throw new WattFailure(
      wattError('relay/listen-failed', { host: opts.host, port: opts.port, message: (e as Error).message }),
    )
  }

  node.addEventListener('peer:connect', (e) => opts.log(`relay p2p connect peer=${e.detail}`))
  node.addEventListener('peer:disconnect', (e) => opts.log(`relay p2p disconnect peer=${e.detail}`))

  let stopping: Promise<void> | undefined
  return {
    httpUrl: `${tls ? 'https' : 'http'}://${opts.host === WILDCARD_HOST ? '127.0.0.1' : opts.host}:${httpPort}`,
    peerId,
    multiaddrs,
    connections: () => node.getConnections().length,
    rejectedMessages: parts.limits.rejected,
    counters: () => ({
      http: sockets.counts(),
      ws: parts.ws.counts(),
      pubsub: parts.pubsubGuard.counts(),
      reservations: parts.reservations.counts(),
    }),
    stop: () => {
      links.stop()
      lag.stop()
      stopping ??= Promise.all([node.stop(), closeServer(server)]).then(() => undefined)
      return stopping
    },
  }
}
