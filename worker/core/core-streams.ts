// The core's side of request/response protocols (host-streams.ts runs the libp2p streams in the
// host tab). A service asks `request(peer, protocol, bytes)` and gets the peer's answer or a
// short reason; it serves a protocol with `handle`, whose handler turns each inbound request into
// its answer. Registrations are re-sent to every new host (the host tab can change), requests
// in flight are bounded and time out, so a host that vanished mid-request costs a retry only.
import type { Transport } from '../../shared/net/peer-table.ts'
import type { CoreToHost, HostToCore } from './host-protocol.ts'

/** Requests waiting for an answer at once. */
export const MAX_PENDING_REQUESTS = 64
const REQUEST_TIMEOUT_MS = 40_000

export type StreamAnswer =
  | { readonly ok: true; readonly data: Uint8Array; readonly transport: Transport }
  | { readonly ok: false; readonly error: string }

export interface InboundRequest {
  readonly peerId: string
  readonly transport: Transport
  readonly data: Uint8Array
}
/** Answers one request; what it throws becomes an empty answer (the peer sees a stream error). */
export type InboundHandler = (req: InboundRequest) => Promise<Uint8Array>

/**
 * What a service sees of the core's streams (`c.core.request` / `c.core.handle`, addresses left to
 * the core): the market's deal data and retrieval travel over it, and tests put an in-memory
 * network in its place (worker/market/test-devices.ts).
 */
export interface PeerStreams {
  request(
    peerId: string,
    protocol: string,
    data: Uint8Array,
  ): Promise<{ ok: true; data: Uint8Array; transport: string } | { ok: false; error: string }>
  handle(
    protocol: string,
    handler: (req: { peerId: string; transport: string; data: Uint8Array }) => Promise<Uint8Array>,
  ): void
}

type Send = (m: Exclude<CoreToHost, { type: 'start' }>) => void

export const createCoreStreams = (send: Send) => {
  const pending = new Map<number, (a: StreamAnswer) => void>()
  const handlers = new Map<string, InboundHandler>()
  let nextId = 1

  const inbound = (m: HostToCore & { type: 'inbound' }) => {
    const h = handlers.get(m.protocol)
    if (!h) return
    void h({ peerId: m.peerId, transport: m.transport, data: m.data })
      .catch(() => new Uint8Array())
      .then((data) => send({ type: 'reply', id: m.id, data }))
  }

  return {
    request(
      peerId: string,
      addrs: readonly string[],
      protocol: string,
      data: Uint8Array,
    ): Promise<StreamAnswer> {
      if (pending.size >= MAX_PENDING_REQUESTS)
        return Promise.resolve({ ok: false, error: 'too_many_requests' })
      const id = nextId++
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish({ ok: false, error: 'timeout' }), REQUEST_TIMEOUT_MS)
        const finish = (a: StreamAnswer) => {
          clearTimeout(timer)
          pending.delete(id)
          resolve(a)
        }
        pending.set(id, finish)
        send({ type: 'request', id, peerId, addrs: [...addrs], protocol, data })
      })
    },
    handle(protocol: string, handler: InboundHandler) {
      handlers.set(protocol, handler)
      send({ type: 'handle', protocol })
    },
    /** The registrations a newly attached host needs. */
    resend() {
      for (const protocol of handlers.keys()) send({ type: 'handle', protocol })
    },
    /** Takes the host's `response` and `inbound` messages; false for any other. */
    onHost(m: HostToCore): boolean {
      if (m.type === 'inbound') inbound(m)
      else if (m.type === 'response')
        pending.get(m.id)?.(
          m.data && m.transport
            ? { ok: true, data: m.data, transport: m.transport }
            : { ok: false, error: m.error ?? 'stream_failed' },
        )
      else return false
      return true
    },
  }
}

export type CoreStreams = ReturnType<typeof createCoreStreams>
