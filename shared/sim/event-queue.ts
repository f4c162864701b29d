// The simulator's virtual clock: a priority queue of events ordered by (time, sequence number),
// so events at the same virtual millisecond run in the order they were scheduled. Nothing here
// reads a real clock; a run is a pure function of what was scheduled.

export interface ScheduledEvent {
  readonly at: number
  readonly seq: number
  readonly run: () => unknown
}

export interface EventQueueOptions {
  /** Upper bound on pending events; scheduling beyond it throws (a runaway protocol is a bug). */
  readonly maxPending?: number
}

const before = (a: ScheduledEvent, b: ScheduledEvent): boolean =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq)

export class EventQueue {
  #heap: ScheduledEvent[] = []
  #seq = 0
  #now = 0
  #executed = 0
  readonly #maxPending: number

  constructor(opts: EventQueueOptions = {}) {
    this.#maxPending = opts.maxPending ?? 5_000_000
  }

  /** Current virtual time in milliseconds. */
  get now(): number {
    return this.#now
  }

  get pending(): number {
    return this.#heap.length
  }

  get executed(): number {
    return this.#executed
  }

  /** Schedules `run` after `delayMs` (>= 0, integer milliseconds) of virtual time. */
  schedule(delayMs: number, run: () => unknown): void {
    if (!(delayMs >= 0) || !Number.isInteger(delayMs)) throw new RangeError(`bad delay ${delayMs}`)
    if (this.#heap.length >= this.#maxPending) throw new RangeError('event queue full')
    const ev: ScheduledEvent = { at: this.#now + delayMs, seq: this.#seq++, run }
    const h = this.#heap
    h.push(ev)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(ev, h[p]!)) break
      h[i] = h[p]!
      i = p
    }
    h[i] = ev
  }

  #pop(): ScheduledEvent | undefined {
    const h = this.#heap
    const top = h[0]
    const last = h.pop()
    if (top === undefined || last === undefined || h.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l
      if (!before(h[c]!, last)) break
      h[i] = h[c]!
      i = c
    }
    h[i] = last
    return top
  }

  /** Time of the next event, or undefined when none is pending. */
  peekTime(): number | undefined {
    return this.#heap[0]?.at
  }

  /** Removes the next event and advances the clock to it; the caller runs it (it may be async). */
  next(): ScheduledEvent | undefined {
    const ev = this.#pop()
    if (ev === undefined) return undefined
    this.#now = ev.at
    this.#executed++
    return ev
  }

  /** Moves the clock forward to `t` when nothing is scheduled before it. */
  advanceTo(t: number): void {
    const head = this.#heap[0]
    if (t > this.#now && (head === undefined || head.at >= t)) this.#now = t
  }
}
