import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../shared/util/prng.ts'
import { dropOversizedFrames, FrameStreamFailure } from './pubsub-frames.ts'

/** Reference unsigned LEB128 encoder, written out here rather than taken from the product. */
const varint = (n: number): number[] => {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}
const frame = (body: number[]): number[] => [...varint(body.length), ...body]

const run = async (chunks: Uint8Array[], maxFrameBytes: number, ceilingBytes = 1 << 20) => {
  const dropped: number[] = []
  async function* source() {
    yield* chunks
  }
  const out: number[] = []
  for await (const part of dropOversizedFrames(source(), { maxFrameBytes, ceilingBytes }, (n) =>
    dropped.push(n),
  )) {
    out.push(...part)
  }
  return { out, dropped }
}

test('hand-worked varints: 300 is 0xac 0x02, 127 is one byte, 128 two', () => {
  assert.deepEqual(varint(300), [0xac, 0x02])
  assert.deepEqual(varint(127), [0x7f])
  assert.deepEqual(varint(128), [0x80, 0x01])
})

test('frames at the limit pass byte for byte; a longer one is cut out, the next passes', async () => {
  const small = frame([1, 2, 3])
  const atLimit = frame(Array.from({ length: 200 }, (_, i) => i & 0xff))
  const big = frame(Array.from({ length: 300 }, () => 9))
  const empty = frame([])
  const input = [...small, ...big, ...atLimit, ...empty]
  const { out, dropped } = await run([Uint8Array.from(input)], 200)
  assert.deepEqual(out, [...small, ...atLimit, ...empty])
  assert.deepEqual(dropped, [300])
})

test('the same stream split at random points gives the same output (seeded)', async () => {
  const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31)
  const rng = createRng(seed)
  const bodies = Array.from({ length: 40 }, () => Array.from(rng.bytes(rng.int(400))))
  const kept = bodies.filter((b) => b.length <= 250)
  const all = Uint8Array.from(bodies.flatMap(frame))
  const chunks: Uint8Array[] = []
  for (let i = 0; i < all.length; ) {
    const n = 1 + rng.int(64)
    chunks.push(all.subarray(i, i + n))
    i += n
  }
  const { out, dropped } = await run(chunks, 250)
  assert.deepEqual(out, kept.flatMap(frame), `seed ${seed}`)
  assert.deepEqual(
    dropped,
    bodies.filter((b) => b.length > 250).map((b) => b.length),
    `seed ${seed}`,
  )
})

test('a 64 MiB frame streamed in 1 MiB chunks is dropped whole and the frame after it passes', async () => {
  const size = 64 * 1024 * 1024
  const chunk = new Uint8Array(1024 * 1024)
  async function* source() {
    yield Uint8Array.from(varint(size))
    for (let i = 0; i < 64; i++) yield chunk
    yield Uint8Array.from(frame([7]))
  }
  const parts: Uint8Array[] = []
  const dropped: number[] = []
  for await (const p of dropOversizedFrames(source(), { maxFrameBytes: 1024, ceilingBytes: size }, (n) =>
    dropped.push(n),
  ))
    parts.push(p)
  assert.deepEqual(dropped, [size])
  assert.deepEqual(
    parts.flatMap((p) => [...p]),
    frame([7]),
  )
})

test('a length prefix that never ends, or a length over the ceiling, ends the stream with a typed failure', async () => {
  await assert.rejects(run([Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])], 100), (e: unknown) => {
    return e instanceof FrameStreamFailure && e.data.code === 'relay/pubsub-bad-length-prefix'
  })
  await assert.rejects(run([Uint8Array.from(varint(5000))], 100, 4096), (e: unknown) => {
    return e instanceof FrameStreamFailure && e.data.code === 'relay/pubsub-frame-too-large'
  })
})

test('a list chunk (Uint8ArrayList-like iterable of byte arrays) is read part by part', async () => {
  async function* source() {
    yield [Uint8Array.from([3, 1]), Uint8Array.from([2, 3])] as Iterable<Uint8Array>
  }
  const parts: number[] = []
  for await (const p of dropOversizedFrames(
    source(),
    { maxFrameBytes: 10, ceilingBytes: 100 },
    () => undefined,
  ))
    parts.push(...p)
  assert.deepEqual(parts, [3, 1, 2, 3])
})
