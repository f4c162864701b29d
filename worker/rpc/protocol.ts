// The versioned message protocol between tabs and the node core. Every message is plain
// structured-clone data; errors travel as `{ code, ... }`. A tab and a core of different
// versions refuse each other with `rpc_version` instead of misreading messages.
import { isWattError, type WattError } from '../../shared/util/errors.ts'

export const RPC_VERSION = 1

export interface RpcCall {
  readonly v: number
  readonly kind: 'call'
  readonly id: number
  readonly method: string
  readonly params: unknown
}
export type RpcReply =
  | {
      readonly v: number
      readonly kind: 'reply'
      readonly id: number
      readonly ok: true
      readonly value: unknown
    }
  | {
      readonly v: number
      readonly kind: 'reply'
      readonly id: number
      readonly ok: false
      readonly error: WattError
    }
export interface RpcEvent {
  readonly v: number
  readonly kind: 'event'
  readonly event: string
  readonly data: unknown
}
/** Hands the core a MessagePort for a role: the network host or a proof worker. */
export interface RpcAttach {
  readonly v: number
  readonly kind: 'attach'
  readonly role: 'host' | 'compute'
  readonly port: MessagePort
}
/** A tab says goodbye on pagehide so the core stops posting to it. */
export interface RpcBye {
  readonly v: number
  readonly kind: 'bye'
}
export type ToCore = RpcCall | RpcAttach | RpcBye
export type FromCore = RpcReply | RpcEvent

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

export const isToCore = (x: unknown): x is ToCore => {
  if (!isObj(x) || typeof x.v !== 'number') return false
  switch (x.kind) {
    case 'call':
      return Number.isSafeInteger(x.id) && typeof x.method === 'string' && x.method.length <= 64
    case 'attach':
      return (x.role === 'host' || x.role === 'compute') && x.port instanceof MessagePort
    case 'bye':
      return true
    default:
      return false
  }
}

export const isFromCore = (x: unknown): x is FromCore => {
  if (!isObj(x) || typeof x.v !== 'number') return false
  if (x.kind === 'event') return typeof x.event === 'string'
  return x.kind === 'reply' && Number.isSafeInteger(x.id) && (x.ok === true || isWattError(x.error))
}

/** Anything that carries messages both ways: a MessagePort, a worker, or a BroadcastChannel shim. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void
  removeEventListener?(type: 'message', listener: (e: MessageEvent) => void): void
  start?(): void
}
