// Request/response streams for the core's protocols (the deal data of issue 13, later retrieval):
// one libp2p stream per request, the request and its answer each one length-prefixed message.
// Streams run only on direct links (WebRTC between browsers, or a WebSocket): a relayed circuit
// is a limited connection, kept for signalling, and libp2p refuses protocol streams on it. The
// host holds no protocol logic: it forwards requests to the core and answers with its reply.
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import type { CoreToHost, HostToCore } from '../core/host-protocol.ts'
import { transportOf } from './transport-of.ts'

/** Largest request or answer (a 1 MiB batch of blocks and its header). */
export const MAX_STREAM_MESSAGE_BYTES = (1 << 20) + (128 << 10)
/** A request is answered within this or its stream is dropped. */
const STREAM_TIMEOUT_MS = 30_000
const DIAL_TIMEOUT_MS = 15_000
/** Inbound streams a connection may hold open per protocol. */
const MAX_INBOUND_STREAMS = 4

type Request = CoreToHost & { type: 'request' }

const isDirect = (c: Connection) => c.status === 'open' && transportOf(c) !== 'relay'

export const createHostStreams = (node: Libp2p, post: (m: HostToCore) => void) => {
  const replies = new Map<number, (data: Uint8Array) => void>()
  let nextInbound = 1

  const serve = async (protocol: string, stream: Stream, connection: Connection) => {
    const signal = AbortSignal.timeout(STREAM_TIMEOUT_MS)
    const id = nextInbound++
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_STREAM_MESSAGE_BYTES })
      const req = await lp.read({ signal })
      const answer = new Promise<Uint8Array>((resolve, reject) => {
        replies.set(id, resolve)
        signal.addEventListener('abort', () => reject(signal.reason))
      })
      const peerId = connection.remotePeer.toString()
      post({
        type: 'inbound',
        id,
        protocol,
        peerId,
        transport: transportOf(connection),
        data: req.subarray(),
      })
      await lp.write(await answer, { signal })
      await stream.close({ signal })
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)))
    } finally {
      replies.delete(id)
    }
  }

  /** An open direct link to the peer, else one dialled through its WebRTC addresses. */
  const directLink = async (m: Request): Promise<Connection> => {
    const open = node.getConnections(peerIdFromString(m.peerId)).filter(isDirect)
    const best = open.find((c) => transportOf(c) === 'webrtc') ?? open[0]
    if (best) return best
    for (const a of m.addrs) {
      const c = await node
        .dial(multiaddr(a), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        .catch(() => undefined)
      if (c && isDirect(c)) return c
    }
    throw new Error('no_direct_connection')
  }

  const request = async (m: Request) => {
    const signal = AbortSignal.timeout(STREAM_TIMEOUT_MS)
    try {
      const conn = await directLink(m)
      const stream = await conn.newStream(m.protocol, { signal })
      const lp = lpStream(stream, { maxDataLength: MAX_STREAM_MESSAGE_BYTES })
      await lp.write(m.data, { signal })
      const res = await lp.read({ signal })
      // the answer is whole: the core has it at once, the close (a FIN and its ack) runs after
      post({ type: 'response', id: m.id, data: res.subarray(), transport: transportOf(conn) })
      void stream.close({ signal }).catch(() => {})
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e)
      post({ type: 'response', id: m.id, error: error.slice(0, 200) || 'stream_failed' })
    }
  }

  return {
    async handle(protocol: string) {
      if (node.getProtocols().includes(protocol)) return
      await node.handle(protocol, (stream, connection) => serve(protocol, stream, connection), {
        maxInboundStreams: MAX_INBOUND_STREAMS,
      })
    },
    request,
    reply(id: number, data: Uint8Array) {
      replies.get(id)?.(data)
    },
  }
}
