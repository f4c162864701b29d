// Test helpers for the relay: raw HTTP requests (no URL normalization, so traversal attempts
// reach the server as written), raw TCP writes, polling, a minimal Node libp2p client with the
// same stack a browser uses to reach the relay, and the relay program as a child process.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'

export { selfSignedCert } from './cert.ts'

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** Sends `path` exactly as given (fetch would normalize `/../x` away before sending). */
export const rawRequest = (baseUrl: string, path: string, method = 'GET'): Promise<RawResponse> => {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

export const getJson = async (baseUrl: string, path: string): Promise<{ status: number; json: unknown }> => {
  const r = await rawRequest(baseUrl, path)
  return { status: r.status, json: JSON.parse(r.body) }
}

/** Writes `data` to a raw TCP connection and resolves with whatever comes back before it closes. */
export const rawTcp = (port: number, data: Uint8Array | string, waitMs = 500): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const done = () => {
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1'))
    }
    const timer = setTimeout(done, waitMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      done()
    })
    socket.write(data)
  })

export const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A libp2p client like a browser's: WebSockets out, noise, yamux, identify, gossipsub. */
export const createClient = () =>
  createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })

export type Client = Awaited<ReturnType<typeof createClient>>

/** A client that listens through the relay (`/p2p-circuit`), as a browser does for WebRTC signalling. */
export const createCircuitClient = () =>
  createLibp2p({
    addresses: { listen: ['/p2p-circuit'] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify(), ping: ping() },
  })

export const dial = (client: Libp2p, addr: string) => client.dial(multiaddr(addr))

const MAIN = new URL('../main.ts', import.meta.url).pathname

/** Runs relay/main.ts with `args`; HOST/PORT/WS_PORT/WATT_NETWORK are cleared unless given. */
export const spawnRelay = (args: string[], env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, HOST: '', PORT: '', WS_PORT: '', WATT_NETWORK: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

export const kill = (child: ChildProcess) => {
  if (child.exitCode === null) child.kill('SIGKILL')
}
