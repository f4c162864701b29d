// A virtual clock for tests: callbacks ordered by (time, insertion), advanced explicitly, so
// timer-driven protocol runs are reproducible and take no wall-clock time.
export class VirtualClock {
  now = 0
  #seq = 0
  #events: { at: number; seq: number; fn: () => unknown }[] = []

  schedule(ms: number, fn: () => unknown): number {
    const seq = ++this.#seq
    const ev = { at: this.now + Math.max(0, ms), seq, fn }
    // Insert keeping (at, seq) order; queues stay small in tests.
    let i = this.#events.length
    while (i > 0 && this.#events[i - 1]!.at > ev.at) i--
    this.#events.splice(i, 0, ev)
    return seq
  }

  cancel(id: number): void {
    const i = this.#events.findIndex((e) => e.seq === id)
    if (i >= 0) this.#events.splice(i, 1)
  }

  get pending(): number {
    return this.#events.length
  }

  /** Runs the next event (awaiting it); false when none is due by `until`. */
  async step(until: number): Promise<boolean> {
    const ev = this.#events[0]
    if (ev === undefined || ev.at > until) return false
    this.#events.shift()
    this.now = ev.at
    await ev.fn()
    return true
  }
}
