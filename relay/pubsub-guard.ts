// Keeps bad pubsub input from costing a peer its honest traffic. gossipsub ends a peer's whole
// inbound stream on the first frame over its size limit, and whenever either pubsub stream of
// a peer breaks (an oversized frame, a reset because a sender's buffer overflowed during a
// flood) it forgets the peer's streams but leaves the connection open: connected, unheard.
// The old guard hung up on such peers, which during floods meant every honest validator.
// Now:
// - frames over the frame limit are cut out of the inbound stream in transit (not buffered)
//   and counted; the frames around them flow on;
// - frames gossipsub cannot decode are counted (gossipsub already skips them);
// - when a pubsub stream of a still-connected peer ends or breaks, the relay restarts pubsub
//   with that peer (forgets its streams and opens a fresh one, which makes the peer open a
//   fresh one back) instead of hanging up; only a peer that needs more than
//   PUBSUB_RESTARTS_PER_WINDOW restarts per window is hung up on.
// This reaches into gossipsub internals (createInboundStream, createOutboundStream, decodeRpc,
// onPeerConnected/onPeerDisconnected, streamsOutbound); without them the relay refuses to start.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { dropOversizedFrames, FrameStreamFailure } from './pubsub-frames.ts'
import {
  type PeerTopology,
  type RestarterNode,
  type StreamRestarter,
  streamRestarter,
} from './pubsub-restarts.ts'

/** A declared frame length above this ends the stream (garbage, not a big message). */
export const PUBSUB_FRAME_CEILING_BYTES = 64 * 1024 * 1024

/** Counters since start (issue 20 will expose them). */
export interface PubsubCounts {
  droppedFrames: number
  malformedRpcs: number
  streamRestarts: number
  hangUps: number
}

export interface PubsubGuard {
  counts(): PubsubCounts
}

interface GossipsubInternals extends PeerTopology {
  createInboundStream(peerId: PeerId, stream: unknown): void
  createOutboundStream(peerId: PeerId, connection: Connection): Promise<void>
  decodeRpc(bytes: Uint8Array): unknown
  streamsOutbound: Map<string, { rawStream: Stream }>
}

const METHODS = [
  'createInboundStream',
  'createOutboundStream',
  'decodeRpc',
  'onPeerConnected',
  'onPeerDisconnected',
] as const

const hasInternals = (x: object): x is GossipsubInternals => {
  const g = x as Partial<Record<string, unknown>>
  return METHODS.every((m) => typeof g[m] === 'function') && g['streamsOutbound'] instanceof Map
}

export interface PubsubGuardOptions {
  maxFrameBytes: number
  log: (line: string) => void
}

const causeOf = (e: unknown): string =>
  e instanceof FrameStreamFailure ? e.data.code : e instanceof Error ? e.name : String(e)

/** gossipsub reads this instead of the raw inbound stream: oversized frames cut, the end reported. */
const guardedInbound = (
  peerId: PeerId,
  raw: Stream,
  opts: PubsubGuardOptions,
  counts: PubsubCounts,
  restarter: StreamRestarter,
) => {
  const limits = { maxFrameBytes: opts.maxFrameBytes, ceilingBytes: PUBSUB_FRAME_CEILING_BYTES }
  const onDrop = (length: number) => {
    counts.droppedFrames++
    opts.log(`relay pubsub dropped-frame peer=${peerId} bytes=${length} limit=${opts.maxFrameBytes}`)
  }
  async function* source() {
    try {
      yield* dropOversizedFrames(raw, limits, onDrop)
      restarter.ended(peerId, 'inbound', raw, 'end')
    } catch (e) {
      // reset it, so that the peer's gossipsub drops its side and opens a fresh one when asked
      raw.abort(e instanceof Error ? e : new Error(String(e)))
      restarter.ended(peerId, 'inbound', raw, causeOf(e))
    }
  }
  return {
    [Symbol.asyncIterator]: source,
    close: (o?: object) => raw.close(o),
    abort: (e: Error) => raw.abort(e),
  }
}

export const installPubsubGuard = (
  pubsub: object,
  node: RestarterNode,
  opts: PubsubGuardOptions,
): PubsubGuard => {
  if (!hasInternals(pubsub)) throw new Error('gossipsub internals changed: cannot guard pubsub streams')
  const g = pubsub
  const counts: PubsubCounts = { droppedFrames: 0, malformedRpcs: 0, streamRestarts: 0, hangUps: 0 }
  const restarter = streamRestarter(g, node, counts, opts.log)

  const createInbound = g.createInboundStream
  g.createInboundStream = (peerId, stream) => {
    const raw = stream as Stream
    restarter.track(peerId, 'inbound', raw)
    createInbound.call(g, peerId, guardedInbound(peerId, raw, opts, counts, restarter))
  }

  const createOutbound = g.createOutboundStream
  g.createOutboundStream = async (peerId, connection) => {
    await createOutbound.call(g, peerId, connection)
    const out = g.streamsOutbound.get(peerId.toString())?.rawStream
    if (out === undefined || restarter.tracks(peerId, 'outbound', out)) return
    restarter.track(peerId, 'outbound', out)
    out.addEventListener('close', () => restarter.ended(peerId, 'outbound', out, 'closed'), { once: true })
  }

  const decodeRpc = g.decodeRpc
  g.decodeRpc = (bytes) => {
    try {
      return decodeRpc.call(g, bytes)
    } catch (e) {
      counts.malformedRpcs++
      throw e
    }
  }
  return { counts: () => ({ ...counts }) }
}
