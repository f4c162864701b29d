// What a validator last said: its latest own NOMINATE and ballot envelopes of its newest slot,
// persisted on every emit (coalesced: at most one write in flight, the next one takes the latest)
// and handed back to SCP's `restore` on start, so a validator reloaded mid-slot resumes from its
// own statements instead of contradicting them (a different vote, a lower ballot).
import { DEFAULT_SCP_LIMITS, decodeEnvelope, type Envelope } from '../scp/index.ts'

export interface SavedEnvelopes {
  readonly slot: number
  /** Encoded envelopes: at most one nomination and one ballot statement. */
  readonly envelopes: readonly Uint8Array[]
}

export interface OwnEnvelopeStore {
  load(): Promise<SavedEnvelopes | undefined>
  save(s: SavedEnvelopes): Promise<void>
}

export const createOwnEnvelopes = (store: OwnEnvelopeStore | undefined, onError: () => void) => {
  let slot = 0
  let nomination: Uint8Array | undefined
  let ballot: Uint8Array | undefined
  let queued = false
  let chain: Promise<void> = Promise.resolve()
  const snapshot = (): SavedEnvelopes => ({
    slot,
    envelopes: [nomination, ballot].filter((e): e is Uint8Array => e !== undefined),
  })
  return {
    /** Records one of this node's emitted envelopes and schedules its persistence. */
    emitted(env: Envelope, bytes: Uint8Array): void {
      const s = env.statement.slot
      if (s < slot) return
      if (s > slot) {
        slot = s
        nomination = undefined
        ballot = undefined
      }
      if (env.statement.type === 'nominate') nomination = bytes
      else ballot = bytes
      if (!store || queued) return
      queued = true
      chain = chain
        .then(() => {
          queued = false
          return store.save(snapshot())
        })
        .catch(onError)
    },
    /** The persisted envelopes of `slot`, decoded; none when the saved ones are for another slot. */
    async load(forSlot: number): Promise<Envelope[]> {
      const saved = await store?.load().catch(() => undefined)
      if (!saved || saved.slot !== forSlot) return []
      return saved.envelopes.flatMap((b) => {
        const d = decodeEnvelope(b, DEFAULT_SCP_LIMITS)
        return d.ok && d.value.statement.slot === forSlot ? [d.value] : []
      })
    },
    /** Resolves once every scheduled write has finished. */
    flushed: () => chain,
  }
}
