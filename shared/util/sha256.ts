// A synchronous SHA-256 tuned for many short inputs (Merkle nodes, keys): no per-call objects
// besides the 32-byte result, state and schedule in reused typed arrays. Same output as
// @noble/hashes' sha256 (checked by tests); use that one for long or streaming inputs.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
])
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
const H = new Int32Array(8)
const W = new Int32Array(64)
const block = new Uint8Array(64)

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n))

/** Compresses the 64-byte block of `b` at `at` into H. */
const compress = (b: Uint8Array, at: number) => {
  for (let i = 0; i < 16; i++) {
    const o = at + i * 4
    W[i] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!
    const w2 = W[i - 2]!
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3)
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10)
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
  }
  let a = H[0]!
  let bb = H[1]!
  let c = H[2]!
  let d = H[3]!
  let e = H[4]!
  let f = H[5]!
  let g = H[6]!
  let h = H[7]!
  for (let i = 0; i < 64; i++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    const ch = (e & f) ^ (~e & g)
    const t1 = (h + S1 + ch + K[i]! + W[i]!) | 0
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    const maj = (a & bb) ^ (a & c) ^ (bb & c)
    const t2 = (S0 + maj) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = bb
    bb = a
    a = (t1 + t2) | 0
  }
  H[0] = (H[0]! + a) | 0
  H[1] = (H[1]! + bb) | 0
  H[2] = (H[2]! + c) | 0
  H[3] = (H[3]! + d) | 0
  H[4] = (H[4]! + e) | 0
  H[5] = (H[5]! + f) | 0
  H[6] = (H[6]! + g) | 0
  H[7] = (H[7]! + h) | 0
}

/** SHA-256 of `data` (any length; fastest for short inputs). */
export const sha256Small = (data: Uint8Array): Uint8Array => {
  H.set(IV)
  const n = data.length
  let off = 0
  for (; off + 64 <= n; off += 64) compress(data, off)
  const rest = n - off
  block.fill(0)
  for (let i = 0; i < rest; i++) block[i] = data[off + i]!
  block[rest] = 0x80
  if (rest >= 56) {
    compress(block, 0)
    block.fill(0)
  }
  const bits = n * 8
  block[56] = Math.floor(bits / 2 ** 32) >>> 24
  block[57] = (Math.floor(bits / 2 ** 32) >>> 16) & 0xff
  block[58] = (Math.floor(bits / 2 ** 32) >>> 8) & 0xff
  block[59] = Math.floor(bits / 2 ** 32) & 0xff
  block[60] = bits >>> 24
  block[61] = (bits >>> 16) & 0xff
  block[62] = (bits >>> 8) & 0xff
  block[63] = bits & 0xff
  compress(block, 0)
  return digest()
}

/** SHA-256 of `tag || a || b` for one tag byte and two 32-byte values: a Merkle node's hash. */
export const sha256Node = (tag: number, a: Uint8Array, b: Uint8Array): Uint8Array => {
  H.set(IV)
  block[0] = tag
  for (let i = 0; i < 32; i++) block[1 + i] = a[i]!
  for (let i = 0; i < 31; i++) block[33 + i] = b[i]!
  compress(block, 0)
  // the 65th byte, the 0x80 pad, zeros, and the length: 520 bits = 0x0208
  block.fill(0)
  block[0] = b[31]!
  block[1] = 0x80
  block[62] = 0x02
  block[63] = 0x08
  compress(block, 0)
  return digest()
}

const digest = (): Uint8Array => {
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const v = H[i]!
    out[i * 4] = v >>> 24
    out[i * 4 + 1] = (v >>> 16) & 0xff
    out[i * 4 + 2] = (v >>> 8) & 0xff
    out[i * 4 + 3] = v & 0xff
  }
  return out
}
