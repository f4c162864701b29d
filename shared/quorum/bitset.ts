// Fixed-capacity bit sets of node indices. The quorum searches test and combine node sets
// millions of times, so they work on 32-bit words instead of JS Sets.
export class Bits {
  readonly words: Uint32Array

  constructor(capacity: number, words?: Uint32Array) {
    this.words = words ?? new Uint32Array((capacity + 31) >>> 5)
  }

  static of(capacity: number, items: Iterable<number>): Bits {
    const b = new Bits(capacity)
    for (const i of items) b.add(i)
    return b
  }

  /** The set {0, .., n-1}. */
  static all(n: number): Bits {
    const b = new Bits(n)
    for (let i = 0; i < n; i++) b.add(i)
    return b
  }

  get capacity(): number {
    return this.words.length * 32
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0
  }

  add(i: number): this {
    this.words[i >>> 5]! |= 1 << (i & 31)
    return this
  }

  remove(i: number): this {
    this.words[i >>> 5]! &= ~(1 << (i & 31))
    return this
  }

  clone(): Bits {
    return new Bits(0, this.words.slice())
  }

  with(i: number): Bits {
    return this.clone().add(i)
  }

  without(i: number): Bits {
    return this.clone().remove(i)
  }

  union(o: Bits): Bits {
    const w = this.words.slice()
    for (let k = 0; k < w.length; k++) w[k]! |= o.words[k] ?? 0
    return new Bits(0, w)
  }

  minus(o: Bits): Bits {
    const w = this.words.slice()
    for (let k = 0; k < w.length; k++) w[k]! &= ~(o.words[k] ?? 0)
    return new Bits(0, w)
  }

  isEmpty(): boolean {
    for (const x of this.words) if (x !== 0) return false
    return true
  }

  size(): number {
    let n = 0
    for (let x of this.words) {
      x = x - ((x >>> 1) & 0x55555555)
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
      n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
    }
    return n
  }

  intersects(o: Bits): boolean {
    for (let k = 0; k < this.words.length; k++) if ((this.words[k]! & (o.words[k] ?? 0)) !== 0) return true
    return false
  }

  isSubsetOf(o: Bits): boolean {
    for (let k = 0; k < this.words.length; k++) if ((this.words[k]! & ~(o.words[k] ?? 0)) !== 0) return false
    return true
  }

  equals(o: Bits): boolean {
    return this.isSubsetOf(o) && o.isSubsetOf(this)
  }

  /** Members in increasing order. */
  toArray(): number[] {
    const out: number[] = []
    for (let k = 0; k < this.words.length; k++) {
      let x = this.words[k]!
      while (x !== 0) {
        const low = x & -x
        out.push(k * 32 + 31 - Math.clz32(low))
        x ^= low
      }
    }
    return out
  }
}

/** Orders node sets as the analyses print them: smaller sets first, then lexicographically. */
export const compareSets = (a: readonly number[], b: readonly number[]): number => {
  if (a.length !== b.length) return a.length - b.length
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

/** Keeps only the sets that contain no other set of the list (duplicates collapse to one). */
export const keepMinimal = (sets: readonly Bits[]): Bits[] => {
  const sorted = [...sets].sort((a, b) => a.size() - b.size())
  const kept: Bits[] = []
  for (const s of sorted) if (!kept.some((k) => k.isSubsetOf(s))) kept.push(s)
  return kept
}
