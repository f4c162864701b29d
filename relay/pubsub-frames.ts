// Drops oversized frames from a length-prefixed byte stream (unsigned-varint length, then that
// many bytes: how gossipsub frames its RPCs) and passes every other byte through unchanged, so
// that gossipsub's own decoder sees a well-formed stream with the oversized frames cut out.
// Nothing is buffered but a partial length prefix: a dropped frame's bytes are counted off as
// they arrive. gossipsub itself would end the whole stream on the first frame over its limit,
// silencing the sender's honest traffic with it.
/** A length prefix longer than this (lengths of 2^35 and up) is not a frame length but garbage. */
export const MAX_LENGTH_PREFIX_BYTES = 5

export type FrameStreamError =
  | { code: 'relay/pubsub-bad-length-prefix' }
  | { code: 'relay/pubsub-frame-too-large'; length: number; ceiling: number }

/** Thrown (as the stream's read error) when the stream cannot be framed any more. */
export class FrameStreamFailure extends Error {
  readonly data: FrameStreamError
  constructor(data: FrameStreamError) {
    super(data.code)
    this.name = 'FrameStreamFailure'
    this.data = data
  }
}

export interface FrameFilterLimits {
  /** Frames up to this length pass. */
  maxFrameBytes: number
  /** Frames above this are not skipped but end the stream: no honest sender declares them. */
  ceilingBytes: number
}

type State = { kind: 'prefix'; bytes: number[] } | { kind: 'pass' | 'skip'; left: number }

const decodeVarint = (bytes: readonly number[]): number =>
  bytes.reduce((n, b, i) => n + (b & 0x7f) * 2 ** (7 * i), 0)

/** Splits one chunk into the parts that pass; advances `state` in place. */
const filterChunk = (
  chunk: Uint8Array,
  st: { state: State },
  limits: FrameFilterLimits,
  onDrop: (length: number) => void,
): Uint8Array[] => {
  const out: Uint8Array[] = []
  let i = 0
  while (i < chunk.length) {
    const s = st.state
    if (s.kind === 'prefix') {
      const b = chunk[i++] as number
      s.bytes.push(b)
      if (b & 0x80) {
        if (s.bytes.length >= MAX_LENGTH_PREFIX_BYTES)
          throw new FrameStreamFailure({ code: 'relay/pubsub-bad-length-prefix' })
        continue
      }
      const length = decodeVarint(s.bytes)
      if (length > limits.ceilingBytes) {
        throw new FrameStreamFailure({
          code: 'relay/pubsub-frame-too-large',
          length,
          ceiling: limits.ceilingBytes,
        })
      }
      const pass = length <= limits.maxFrameBytes
      if (pass) out.push(Uint8Array.from(s.bytes))
      else onDrop(length)
      st.state = length === 0 ? { kind: 'prefix', bytes: [] } : { kind: pass ? 'pass' : 'skip', left: length }
      continue
    }
    const take = Math.min(s.left, chunk.length - i)
    if (s.kind === 'pass') out.push(chunk.subarray(i, i + take))
    i += take
    s.left -= take
    if (s.left === 0) st.state = { kind: 'prefix', bytes: [] }
  }
  return out
}

/** `source` with every frame longer than `limits.maxFrameBytes` removed; `onDrop` hears each one's length. */
export async function* dropOversizedFrames(
  // a chunk is bytes or a list of them (a Uint8ArrayList)
  source: AsyncIterable<Uint8Array | Iterable<Uint8Array>>,
  limits: FrameFilterLimits,
  onDrop: (length: number) => void,
): AsyncGenerator<Uint8Array> {
  const st: { state: State } = { state: { kind: 'prefix', bytes: [] } }
  for await (const chunk of source) {
    for (const bytes of chunk instanceof Uint8Array ? [chunk] : chunk) {
      yield* filterChunk(bytes, st, limits, onDrop)
    }
  }
}
