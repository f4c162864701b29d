// A binary min-heap under a caller's comparator: priority queues for tx selection and eviction.
export interface Heap<T> {
  push(x: T): void
  pop(): T | undefined
  peek(): T | undefined
  readonly size: number
}

export const createHeap = <T>(less: (a: T, b: T) => boolean): Heap<T> => {
  const a: T[] = []
  const swap = (i: number, j: number) => {
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
  return {
    push(x) {
      a.push(x)
      let i = a.length - 1
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!less(a[i]!, a[p]!)) break
        swap(i, p)
        i = p
      }
    },
    pop() {
      if (a.length === 0) return undefined
      const top = a[0]
      const last = a.pop()!
      if (a.length > 0) {
        a[0] = last
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          const r = l + 1
          let m = i
          if (l < a.length && less(a[l]!, a[m]!)) m = l
          if (r < a.length && less(a[r]!, a[m]!)) m = r
          if (m === i) break
          swap(i, m)
          i = m
        }
      }
      return top
    },
    peek: () => a[0],
    get size() {
      return a.length
    },
  }
}
