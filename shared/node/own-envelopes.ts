// What a validator last said: its latest own NOMINATE and ballot envelopes of its newest slot,
// persisted on every emit (coalesced: at most one write in flight, the next one takes the latest)
// and handed back to SCP's `restore` on start, so a validator reloaded mid-slot resumes from its
// own statements instead of contradicting them (a different vote, a lower ballot). The tx sets
// those statements name are saved with them: they live only in memory and gossip, so a lone
// validator (or one whose own mempool built the set) could otherwise never apply what it voted.
import type { TxSet } from '../ledger/index.ts'
import {
  DEFAULT_SCP_LIMITS,
  decodeEnvelope,
  type Envelope,
  parseQuorumSet,
  type QuorumSet,
} from '../scp/index.ts'
import { isTxSet } from './messages.ts'
import { statementTxSets } from './value.ts'

/** Tx sets saved with the envelopes: the ballot's (at most 3 values) first, then nomination's. */
const MAX_SAVED_TX_SETS = 4

export interface SavedEnvelopes {
  readonly slot: number
  /** Encoded envelopes: at most one nomination and one ballot statement. */
  readonly envelopes: readonly Uint8Array[]
  /** The tx sets those envelopes name that this node held when it said them (absent in old records). */
  readonly txSets?: readonly TxSet[]
  /**
   * The quorum set those statements name (absent in old records): after a restart with another
   * set (an admission) the node still announces it with them, so peers can check them.
   */
  readonly qset?: QuorumSet
}

export interface RestoredEnvelopes {
  readonly envelopes: Envelope[]
  readonly txSets: readonly TxSet[]
  readonly qset: QuorumSet | undefined
}

export interface OwnEnvelopeStore {
  load(): Promise<SavedEnvelopes | undefined>
  save(s: SavedEnvelopes): Promise<void>
}

export const createOwnEnvelopes = (
  store: OwnEnvelopeStore | undefined,
  onError: () => void,
  txSetOf: (cid: string) => TxSet | undefined,
  localQset: QuorumSet,
) => {
  let slot = 0
  let nomination: Uint8Array | undefined
  let ballot: Uint8Array | undefined
  let nominationSets: TxSet[] = []
  let ballotSets: TxSet[] = []
  let queued = false
  let chain: Promise<void> = Promise.resolve()
  const snapshot = (): SavedEnvelopes => ({
    slot,
    envelopes: [nomination, ballot].filter((e): e is Uint8Array => e !== undefined),
    txSets: [...new Set([...ballotSets, ...nominationSets])].slice(0, MAX_SAVED_TX_SETS),
    qset: localQset,
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
        nominationSets = []
        ballotSets = []
      }
      const sets = statementTxSets(env.statement).flatMap((cid) => txSetOf(cid) ?? [])
      if (env.statement.type === 'nominate') {
        nomination = bytes
        nominationSets = sets
      } else {
        ballot = bytes
        ballotSets = sets
      }
      if (!store || queued) return
      queued = true
      chain = chain
        .then(() => {
          queued = false
          return store.save(snapshot())
        })
        .catch(onError)
    },
    /** The persisted envelopes of `slot`, decoded, and their tx sets (unchecked); none for another slot. */
    async load(forSlot: number): Promise<RestoredEnvelopes> {
      const saved = await store?.load().catch(() => undefined)
      if (!saved || saved.slot !== forSlot) return { envelopes: [], txSets: [], qset: undefined }
      const envelopes = saved.envelopes.flatMap((b) => {
        const d = decodeEnvelope(b, DEFAULT_SCP_LIMITS)
        return d.ok && d.value.statement.slot === forSlot ? [d.value] : []
      })
      const txSets = Array.isArray(saved.txSets) ? saved.txSets.filter(isTxSet) : []
      const qset = saved.qset === undefined ? undefined : parseQuorumSet(saved.qset)
      return {
        envelopes,
        txSets: txSets.slice(0, MAX_SAVED_TX_SETS),
        qset: qset?.ok ? qset.value : undefined,
      }
    },
    /** Resolves once every scheduled write has finished. */
    flushed: () => chain,
  }
}

export type OwnEnvelopes = ReturnType<typeof createOwnEnvelopes>
