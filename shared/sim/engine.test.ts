import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NodeId } from '../scp/quorum-set.ts'
import { Checkers } from './checkers.ts'
import { Simulation } from './engine.ts'
import { EventQueue } from './event-queue.ts'
import { planFaults } from './faults.ts'
import { HEALTHY_LINKS } from './network.ts'
import type { SimNodeFactory } from './node-host.ts'
import { coreTopology } from './topology.ts'

test('events run in time order, ties in scheduling order', () => {
  const q = new EventQueue()
  const out: string[] = []
  q.schedule(5, () => out.push('b'))
  q.schedule(1, () => out.push('a'))
  q.schedule(5, () => out.push('c'))
  q.schedule(0, () => q.schedule(1, () => out.push('a2')))
  for (let ev = q.next(); ev; ev = q.next()) ev.run()
  assert.deepEqual(out, ['a', 'a2', 'b', 'c'])
  assert.equal(q.now, 5)
})

test('the queue is bounded', () => {
  const q = new EventQueue({ maxPending: 2 })
  q.schedule(1, () => {})
  q.schedule(1, () => {})
  assert.throws(() => q.schedule(1, () => {}), RangeError)
})

// A test stand-in protocol (not consensus): node 0 "closes" ledger k every 100 ms and floods
// it; others adopt it on receipt. Async receive exercises promise settling between events.
type Msg = { seq: number; hash: string }
const relayFactory: SimNodeFactory<Msg> = (host) => {
  let seq = 0
  const adopt = (m: Msg): boolean => {
    if (m.seq <= seq) return false
    host.closed({ seq: m.seq, hash: m.hash, prevHash: `h${m.seq - 1}` })
    host.externalized(m.seq, m.hash)
    seq = m.seq
    return true
  }
  const tick = () => {
    const m = { seq: seq + 1, hash: `h${seq + 1}` }
    adopt(m)
    host.broadcast(m)
    host.setTimer(100, tick)
  }
  return {
    start: () => (host.index === 0 ? tick() : undefined),
    receive: async (_from, m) => {
      await Promise.resolve()
      if (adopt(m)) host.broadcast(m)
    },
    crash: () => {},
    restart: () => {},
  }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i}` as NodeId)

test('same seed, same run; faults are applied and counted', async () => {
  const run = async (seed: number) => {
    const topology = coreTopology(ids(6))
    const sim = new Simulation({
      seed,
      topology,
      factory: relayFactory,
      links: HEALTHY_LINKS,
      livenessBoundMs: 5000,
    })
    planFaults(
      sim,
      HEALTHY_LINKS,
      { dropPpm: 0, dupPpm: 200_000, delayMs: 200, partitions: 0, crashes: 2, windowMs: 1000 },
      sim.rng.fork(9),
      [1, 2, 3],
    )
    const r = await sim.run({ targetLedgers: 20, maxVirtualMs: 60_000 })
    return { r, stats: { ...sim.network.stats } }
  }
  const a = await run(3)
  const b = await run(3)
  assert.deepEqual(a, b)
  assert.ok(a.r.ok, JSON.stringify(a.r))
  assert.ok(a.stats.duplicated > 0)
  assert.equal(a.r.finalHash, 'h20')
})

test('checkers report forks, chain breaks, supply and liveness', () => {
  const honest = (n: number) => n !== 3
  const c = new Checkers({ nodes: 4, honest, livenessBoundMs: 100 })
  c.externalized(0, 1, 'x', 0)
  c.externalized(3, 1, 'y', 0)
  assert.ok(c.ok, 'a Byzantine node disagreeing is no fork')
  c.externalized(1, 1, 'y', 5)
  assert.equal(c.first?.code, 'fork')
  assert.equal(c.forks, 1)

  const l = new Checkers({ nodes: 2, honest, livenessBoundMs: 100 })
  l.closed(0, { seq: 1, hash: 'a', prevHash: 'g' }, 10)
  l.closed(0, { seq: 2, hash: 'b', prevHash: 'zz' }, 20)
  assert.equal(l.first?.code, 'chain_broken')

  const s = new Checkers({ nodes: 2, honest, livenessBoundMs: 100 })
  s.closed(0, { seq: 1, hash: 'a', prevHash: 'g', supply: { totalCoins: 10n, accounted: 9n } }, 10)
  assert.equal(s.first?.code, 'supply')

  const m = new Checkers({ nodes: 2, honest, livenessBoundMs: 100 })
  m.closed(0, { seq: 1, hash: 'a', prevHash: 'g' }, 10)
  m.closed(1, { seq: 1, hash: 'b', prevHash: 'g' }, 10)
  assert.equal(m.first?.code, 'ledger_mismatch')

  const v = new Checkers({ nodes: 2, honest, livenessBoundMs: 100 })
  v.closed(0, { seq: 1, hash: 'a', prevHash: 'g' }, 150)
  v.checkLiveness(250, 100, () => true)
  assert.equal(v.first?.code, 'liveness')
  assert.equal(v.first?.code === 'liveness' && v.first.node, 1)
})
