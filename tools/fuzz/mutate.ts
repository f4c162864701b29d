// Byte mutations of valid encodings: bit flips, interesting bytes, truncation, deletion, insertion,
// splicing from another seed, repeats, and CBOR head edits (a length, count or tag argument moved
// to an edge value, or the major type changed), which reach the decoders' length checks far more
// often than random flips do. Mutations are plain data drawn by fast-check, applied here.
import * as fc from 'fast-check'

export type ByteMutation =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'set'; readonly at: number; readonly byte: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'delete'; readonly at: number; readonly n: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | {
      readonly op: 'splice'
      readonly at: number
      readonly other: number
      readonly from: number
      readonly n: number
    }
  | { readonly op: 'repeat'; readonly at: number; readonly n: number; readonly times: number }
  | {
      readonly op: 'head'
      readonly which: number
      readonly arg: bigint | 'inc' | 'dec'
      readonly major?: number
    }

/** Bytes that mean something to a CBOR decoder: head boundaries, indefinite lengths, tags, simples. */
const INTERESTING = [
  0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xa0, 0xbf,
  0xc0, 0xd8, 0x2a, 0xe0, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff,
]
/** Arguments a CBOR head edit moves to: the width boundaries and the largest values. */
const EDGE_ARGS = [
  0n,
  1n,
  23n,
  24n,
  255n,
  256n,
  65535n,
  65536n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 64n - 1n,
]

const pos = fc.nat()
export const byteMutationArb: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant('set' as const),
    at: pos,
    byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(255)),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: pos }),
  fc.record({ op: fc.constant('delete' as const), at: pos, n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: pos,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    op: fc.constant('splice' as const),
    at: pos,
    other: pos,
    from: pos,
    n: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    op: fc.constant('repeat' as const),
    at: pos,
    n: fc.integer({ min: 1, max: 32 }),
    times: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record(
    {
      op: fc.constant('head' as const),
      which: pos,
      arg: fc.oneof(
        fc.constantFrom<bigint | 'inc' | 'dec'>('inc', 'dec', ...EDGE_ARGS),
        fc.bigInt(0n, 2n ** 64n - 1n),
      ),
      major: fc.integer({ min: 0, max: 7 }),
    },
    { requiredKeys: ['op', 'which', 'arg'] },
  ),
)

interface Head {
  readonly at: number
  readonly major: number
  readonly size: number
  readonly arg: bigint
}

const readArg = (b: Uint8Array, at: number, width: number): bigint => {
  let v = 0n
  for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(b[at + i] ?? 0)
  return v
}

/** The item heads of a definite-length CBOR encoding, in order (children follow their parent). */
export const cborHeads = (b: Uint8Array, max = 4096): Head[] => {
  const heads: Head[] = []
  let at = 0
  while (at < b.length && heads.length < max) {
    const major = b[at]! >> 5
    const ai = b[at]! & 31
    const width = ai < 24 ? 0 : ai <= 27 ? 1 << (ai - 24) : -1
    if (width < 0) break
    const arg = ai < 24 ? BigInt(ai) : readArg(b, at + 1, width)
    heads.push({ at, major, size: 1 + width, arg })
    at += 1 + width
    if (major === 2 || major === 3) at += Number(arg)
  }
  return heads
}

const encodeHead = (major: number, arg: bigint): Uint8Array => {
  if (arg < 24n) return new Uint8Array([(major << 5) | Number(arg)])
  const width = arg < 256n ? 1 : arg < 65536n ? 2 : arg < 2n ** 32n ? 4 : 8
  const out = new Uint8Array(1 + width)
  out[0] = (major << 5) | (24 + Math.log2(width))
  for (let i = 0; i < width; i++) out[width - i] = Number((arg >> BigInt(8 * i)) & 255n)
  return out
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const editHead = (b: Uint8Array, m: Extract<ByteMutation, { op: 'head' }>): Uint8Array => {
  const heads = cborHeads(b)
  if (heads.length === 0) return b
  const h = heads[m.which % heads.length]!
  const arg = m.arg === 'inc' ? h.arg + 1n : m.arg === 'dec' ? (h.arg > 0n ? h.arg - 1n : 0n) : m.arg
  const clamped = arg > 2n ** 64n - 1n ? 2n ** 64n - 1n : arg
  return concat(b.subarray(0, h.at), encodeHead(m.major ?? h.major, clamped), b.subarray(h.at + h.size))
}

/** Applies one mutation; `others` are the seed corpus (for splicing). */
export const applyByteMutation = (
  b: Uint8Array,
  m: ByteMutation,
  others: readonly Uint8Array[],
): Uint8Array => {
  const n = b.length
  const at = n === 0 ? 0 : m.op === 'head' ? 0 : m.at % (n + 1)
  switch (m.op) {
    case 'flip':
    case 'set': {
      if (n === 0) return b
      const out = new Uint8Array(b) // a copy even of a Buffer, whose slice() is a view
      const i = m.at % n
      out[i] = m.op === 'flip' ? out[i]! ^ (1 << m.bit) : m.byte
      return out
    }
    case 'truncate':
      return new Uint8Array(b.subarray(0, at))
    case 'delete':
      return concat(b.subarray(0, at), b.subarray(at + m.n))
    case 'insert':
      return concat(b.subarray(0, at), m.bytes, b.subarray(at))
    case 'splice': {
      const src = others.length === 0 ? b : others[m.other % others.length]!
      const from = src.length === 0 ? 0 : m.from % src.length
      return concat(b.subarray(0, at), src.subarray(from, from + m.n), b.subarray(at + m.n))
    }
    case 'repeat': {
      const chunk = b.subarray(at, at + m.n)
      return concat(b.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), b.subarray(at))
    }
    case 'head':
      return editHead(b, m)
  }
}
