// Flat byte layouts for proofs: the verifier derives every index and length from public
// parameters, so a proof is just 32-byte values in a fixed order and every byte of it feeds a
// hash that is checked against a commitment (a flipped byte cannot go unnoticed).
import { utf8 } from '../util/bytes.ts'

export class ByteWriter {
  private readonly parts: Uint8Array[] = []
  private size = 0
  put(b: Uint8Array): void {
    this.parts.push(b)
    this.size += b.length
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size)
    let off = 0
    for (const p of this.parts) {
      out.set(p, off)
      off += p.length
    }
    return out
  }
}

/** Reads fixed-size fields; `take` returns null once the input is exhausted (truncated proof). */
export class ByteReader {
  private off = 0
  private readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
  take(n: number): Uint8Array | null {
    if (this.off + n > this.bytes.length) return null
    const out = this.bytes.subarray(this.off, this.off + n)
    this.off += n
    return out
  }
  get done(): boolean {
    return this.off === this.bytes.length
  }
}

export const u32be = (n: number): Uint8Array =>
  new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])

/** Big-endian 64-bit encoding of a safe integer (sector numbers). */
export const u64be = (n: number): Uint8Array => {
  const out = new Uint8Array(8)
  out.set(u32be(Math.floor(n / 2 ** 32)), 0)
  out.set(u32be(n >>> 0), 4)
  return out
}

/** First four bytes of a digest as an unsigned integer. */
export const readU32 = (b: Uint8Array): number => ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0

/** Domain tags keep every hash in these protocols apart from every other. */
export const tag = (name: string): Uint8Array => utf8(`watt/${name}/v1`)
