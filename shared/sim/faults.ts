// Seeded fault plans: from a few numbers (loss, duplication, extra delay, how many partitions
// and crashes, how long the faulty window lasts) and the run's Rng, the concrete schedule of
// link degradation, partitions that form and heal, and node crashes with restarts.
import type { Rng } from '../util/prng.ts'
import type { Simulation } from './engine.ts'
import type { LinkFaults } from './network.ts'

export interface FaultSpec {
  readonly dropPpm: number
  readonly dupPpm: number
  /** Extra tail latency: 1 message in 10 takes up to this long (0: none). Also reorders. */
  readonly delayMs: number
  readonly partitions: number
  readonly crashes: number
  /** Every fault starts and ends inside [0, windowMs]; afterwards the network is healthy. */
  readonly windowMs: number
}

export const NO_FAULTS: FaultSpec = {
  dropPpm: 0,
  dupPpm: 0,
  delayMs: 0,
  partitions: 0,
  crashes: 0,
  windowMs: 0,
}

export interface PlannedFault {
  readonly kind: 'links' | 'partition' | 'crash'
  readonly atMs: number
  readonly untilMs: number
  readonly detail: string
}

const windowSpan = (rng: Rng, windowMs: number): [number, number] => {
  const a = rng.int(Math.max(1, windowMs))
  const b = a + 1 + rng.int(Math.max(1, windowMs - a))
  return [a, Math.min(b, windowMs)]
}

/** Schedules the faults `spec` asks for on `sim`; crashes only touch `crashable` nodes. */
export const planFaults = <M>(
  sim: Simulation<M>,
  base: LinkFaults,
  spec: FaultSpec,
  rng: Rng,
  crashable: readonly number[],
): PlannedFault[] => {
  const plan: PlannedFault[] = []
  const n = sim.network.size
  if (spec.windowMs <= 0) return plan
  if (spec.dropPpm > 0 || spec.dupPpm > 0 || spec.delayMs > 0) {
    const links: LinkFaults = {
      ...base,
      dropPpm: spec.dropPpm,
      dupPpm: spec.dupPpm,
      tailPpm: spec.delayMs > 0 ? 100_000 : 0,
      tailMs: base.maxMs + spec.delayMs,
    }
    sim.degradeLinks(links, 0, spec.windowMs)
    plan.push({ kind: 'links', atMs: 0, untilMs: spec.windowMs, detail: JSON.stringify(links) })
  }
  for (let p = 0; p < spec.partitions && n > 1; p++) {
    const [at, until] = windowSpan(rng, spec.windowMs)
    const groupOf = Array.from({ length: n }, () => rng.int(2))
    sim.partition(groupOf, at, until)
    plan.push({ kind: 'partition', atMs: at, untilMs: until, detail: groupOf.join('') })
  }
  for (let c = 0; c < spec.crashes && crashable.length > 0; c++) {
    const node = rng.pick(crashable)
    const [at, until] = windowSpan(rng, spec.windowMs)
    sim.crash(node, at, until)
    plan.push({ kind: 'crash', atMs: at, untilMs: until, detail: `node ${node}` })
  }
  return plan
}
