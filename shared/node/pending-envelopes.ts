// Envelopes that wait for the tx sets they name (stellar-core's PendingEnvelopes): an envelope
// reaches SCP only once every set its values name is held, so SCP validates real sets, never
// guesses. Only verified envelopes of nodes in this node's slices wait here (the caller checks
// first), one per node, slot and statement kind, the newest replacing the older; bounded.
import type { Envelope } from '../scp/index.ts'
import { bytesEqual } from '../util/bytes.ts'

export const MAX_PENDING_ENVELOPES = 256

interface Waiting {
  readonly env: Envelope
  readonly bytes: Uint8Array
  readonly missing: Set<string>
}

export const createPendingEnvelopes = (limit = MAX_PENDING_ENVELOPES) => {
  const waiting = new Map<string, Waiting>()
  const keyOf = (env: Envelope) => {
    const st = env.statement
    return `${st.nodeId}/${st.slot}/${st.type === 'nominate' ? 'n' : 'b'}`
  }
  return {
    /** Keeps `env` until `missing` have all arrived; false when full of others. */
    park(env: Envelope, bytes: Uint8Array, missing: readonly string[]): boolean {
      const key = keyOf(env)
      if (!waiting.has(key) && waiting.size >= limit) return false
      waiting.delete(key)
      waiting.set(key, { env, bytes, missing: new Set(missing) })
      return true
    },
    /** The missing sets of an identical envelope already waiting (a rebroadcast), else undefined. */
    waitingFor(env: Envelope, bytes: Uint8Array): readonly string[] | undefined {
      const w = waiting.get(keyOf(env))
      return w && bytesEqual(w.bytes, bytes) ? [...w.missing] : undefined
    },
    /** The set `cid` arrived: the envelopes that waited for nothing else, oldest first. */
    arrived(cid: string): Array<{ env: Envelope; bytes: Uint8Array }> {
      const ready: Array<{ env: Envelope; bytes: Uint8Array }> = []
      for (const [key, w] of waiting) {
        if (!w.missing.delete(cid) || w.missing.size > 0) continue
        waiting.delete(key)
        ready.push(w)
      }
      return ready
    },
    /** Drops what waited for slots up to `closed`. */
    closed(closed: number) {
      for (const [key, w] of waiting) if (w.env.statement.slot <= closed) waiting.delete(key)
    },
    /** Envelopes of `slot` still waiting, with the sets they miss (to ask for them again). */
    missingFor(slot: number): string[] {
      const out = new Set<string>()
      for (const w of waiting.values())
        if (w.env.statement.slot === slot) for (const c of w.missing) out.add(c)
      return [...out]
    },
    get size() {
      return waiting.size
    },
  }
}

export type PendingEnvelopes = ReturnType<typeof createPendingEnvelopes>
