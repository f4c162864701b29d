// Messages between the node core and the tab that hosts its networking (libp2p) — the
// concrete form of the core's abstract network port. Plain data, `type`-tagged, guarded.
import type { Transport } from '../../shared/net/peer-table.ts'
import { type IceServer, parseIceServers } from './bootstrap.ts'

export type CoreToHost =
  | {
      type: 'start'
      privateKey: Uint8Array
      relays: string[]
      topics: string[]
      network: string
      iceServers: IceServer[]
    }
  | { type: 'publish'; topic: string; data: Uint8Array }
  | { type: 'dial'; peerId: string; addrs: string[] }
  /** Serve `protocol`: each inbound stream's request comes to the core as `inbound`. */
  | { type: 'handle'; protocol: string }
  /** One request on a stream to `peerId` over a direct link (dialled through `addrs` if none). */
  | { type: 'request'; id: number; peerId: string; addrs: string[]; protocol: string; data: Uint8Array }
  /** The core's answer to `inbound` `id`. */
  | { type: 'reply'; id: number; data: Uint8Array }

export interface HostConnection {
  peerId: string
  transports: Transport[]
}

export type HostToCore =
  | { type: 'alive' }
  | { type: 'started'; peerId: string; listenAddrs: string[] }
  | { type: 'addrs'; listenAddrs: string[] }
  | { type: 'connections'; conns: HostConnection[]; relays: number }
  /**
   * A pubsub message: `from` is its signed author (free to mint), `via` the peer whose connection
   * delivered it (the relay or a direct peer): per-peer budgets count `via`.
   */
  | { type: 'message'; topic: string; from: string; via: string; data: Uint8Array }
  | { type: 'dial-result'; peerId: string; ok: boolean; error?: string }
  /** The answer to `request` `id`, or why none came (`error`: a short reason). */
  | { type: 'response'; id: number; data?: Uint8Array; transport?: Transport; error?: string }
  | { type: 'inbound'; id: number; protocol: string; peerId: string; transport: Transport; data: Uint8Array }

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
const isStrArr = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string')
const TRANSPORTS: readonly unknown[] = ['webrtc', 'relay', 'websocket'] satisfies Transport[]
const isConnection = (x: unknown): x is HostConnection =>
  isObj(x) &&
  typeof x.peerId === 'string' &&
  Array.isArray(x.transports) &&
  x.transports.every((t) => TRANSPORTS.includes(t))

export const isHostToCore = (x: unknown): x is HostToCore => {
  if (!isObj(x)) return false
  switch (x.type) {
    case 'alive':
      return true
    case 'started':
      return typeof x.peerId === 'string' && isStrArr(x.listenAddrs)
    case 'addrs':
      return isStrArr(x.listenAddrs)
    case 'connections':
      return typeof x.relays === 'number' && Array.isArray(x.conns) && x.conns.every(isConnection)
    case 'message':
      return (
        typeof x.topic === 'string' &&
        typeof x.from === 'string' &&
        typeof x.via === 'string' &&
        x.data instanceof Uint8Array
      )
    case 'dial-result':
      return typeof x.peerId === 'string' && typeof x.ok === 'boolean'
    case 'response':
      return (
        typeof x.id === 'number' &&
        (x.data instanceof Uint8Array ? TRANSPORTS.includes(x.transport) : typeof x.error === 'string')
      )
    case 'inbound':
      return (
        typeof x.id === 'number' &&
        typeof x.protocol === 'string' &&
        typeof x.peerId === 'string' &&
        TRANSPORTS.includes(x.transport) &&
        x.data instanceof Uint8Array
      )
    default:
      return false
  }
}

export const isCoreToHost = (x: unknown): x is CoreToHost => {
  if (!isObj(x)) return false
  switch (x.type) {
    case 'start':
      return (
        x.privateKey instanceof Uint8Array &&
        isStrArr(x.relays) &&
        isStrArr(x.topics) &&
        typeof x.network === 'string' &&
        Array.isArray(x.iceServers) &&
        parseIceServers(x.iceServers).length === x.iceServers.length
      )
    case 'publish':
      return typeof x.topic === 'string' && x.data instanceof Uint8Array
    case 'dial':
      return typeof x.peerId === 'string' && isStrArr(x.addrs)
    case 'handle':
      return typeof x.protocol === 'string'
    case 'request':
      return (
        typeof x.id === 'number' &&
        typeof x.peerId === 'string' &&
        isStrArr(x.addrs) &&
        typeof x.protocol === 'string' &&
        x.data instanceof Uint8Array
      )
    case 'reply':
      return typeof x.id === 'number' && x.data instanceof Uint8Array
    default:
      return false
  }
}
