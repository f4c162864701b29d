// A benchmark workload for the pure state machine: N validators on a lossless in-memory bus
// close `slots` slots back to back. No clock here: the caller times the call and divides
// `envelopesProcessed` by the elapsed time to get envelopes per second.
import { compareBytes, utf8 } from '../util/bytes.ts'
import { linearTimeout, type ScpDriver, sha256Priority } from './driver.ts'
import type { Envelope } from './envelope.ts'
import type { NodeId, QuorumSet } from './quorum-set.ts'
import { quorumSetHash } from './quorum-utils.ts'
import { createScp, type Scp } from './scp.ts'

export interface WorkloadOptions {
  readonly nodes: number
  readonly slots: number
  /** Signature functions; the default signs nothing, so only the protocol is measured. */
  readonly sign?: (node: NodeId, message: Uint8Array) => Promise<Uint8Array>
  readonly verify?: (node: NodeId, message: Uint8Array, signature: Uint8Array) => Promise<boolean>
}

export interface WorkloadResult {
  readonly envelopesProcessed: number
  readonly slotsExternalized: number
}

export const runScpWorkload = async (o: WorkloadOptions): Promise<WorkloadResult> => {
  const ids = Array.from({ length: o.nodes }, (_, i) => `bench${i}` as NodeId)
  const qset: QuorumSet = { threshold: Math.floor((2 * o.nodes) / 3) + 1, validators: ids, innerSets: [] }
  const hash = quorumSetHash(qset)
  const queue: { to: Scp; env: Envelope }[] = []
  const timers = new Map<string, () => void>()
  const done = new Map<NodeId, number>()
  const scps: Scp[] = []
  const empty = new Uint8Array()
  for (const id of ids) {
    const driver: ScpDriver = {
      ...sha256Priority,
      sign: (m) => (o.sign ? o.sign(id, m) : Promise.resolve(empty)),
      verify: (n, m, s) => (o.verify ? o.verify(n, m, s) : Promise.resolve(true)),
      emit: (env) => {
        for (const to of scps) if (to.nodeId !== id) queue.push({ to, env })
      },
      validateValue: () => 'fullyValid',
      combineCandidates: (_s, vs) => [...vs].sort(compareBytes).at(-1)!,
      extractValidValue: () => undefined,
      getQuorumSet: (h) => (h === hash ? qset : undefined),
      setTimer: (slot, kind, _ms, cb) => timers.set(`${id}/${slot}/${kind}`, cb),
      cancelTimer: (slot, kind) => timers.delete(`${id}/${slot}/${kind}`),
      computeTimeout: linearTimeout(),
      valueExternalized: (slot) => done.set(id, slot),
    }
    scps.push(createScp({ nodeId: id, quorumSet: qset, isValidator: true, networkId: utf8('bench'), driver }))
  }
  let processed = 0
  let prev: Uint8Array = empty
  for (let slot = 1; slot <= o.slots; slot++) {
    for (const s of scps) s.nominate(slot, utf8(`bench ${slot} ${s.nodeId}`), prev)
    for (;;) {
      for (const s of scps) await s.flush()
      const next = queue.shift()
      if (next === undefined) {
        if (scps.every((s) => done.get(s.nodeId) === slot)) break
        // Nothing in flight: fire one pending timer (a leader without a candidate, say).
        const [key, cb] = timers.entries().next().value ?? []
        if (key === undefined || cb === undefined) break
        timers.delete(key)
        cb()
        continue
      }
      await next.to.receiveEnvelope(next.env)
      processed++
    }
    prev = scps[0]!.getState(slot)?.externalized ?? empty
    for (const s of scps) s.purgeSlots(slot)
  }
  const externalized = Math.min(...scps.map((s) => done.get(s.nodeId) ?? 0))
  return { envelopesProcessed: processed, slotsExternalized: externalized }
}
