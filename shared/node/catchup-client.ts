// Catching up from peers: a node that sees slots ahead of it asks (at most every 2 s) and reads
// answers only shortly after asking; each archived ledger is verified entry by entry, its tx set
// checked, then re-applied in order (issue 12, finding 4).
import { checkTxSet } from '../ledger/index.ts'
import { parseQuorumSet, quorumSetHash } from '../scp/index.ts'
import type { Applier } from './applier.ts'
import { verifyArchivedLedger } from './catchup.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { NodeView } from './herder-types.ts'
import { type ArchivedLedger, encodeMessage, MAX_CATCHUP_BATCH } from './messages.ts'
import type { QuorumSetBook } from './quorum-set-book.ts'

export const CATCHUP_CLIENT_LIMITS = {
  /** One request per this long. */
  askEveryMs: 2_000,
  /** Answers are read only this long after asking. */
  listenMs: 10_000,
} as const

export interface CatchupClientDeps {
  readonly view: NodeView
  readonly applier: Applier
  readonly proofs: CloseProofs
  readonly qsets: QuorumSetBook
}

export const createCatchupClient = (d: CatchupClientDeps, limits = CATCHUP_CLIENT_LIMITS) => {
  const { view } = d
  const { init, ports: p, count } = view
  let askedAt = Number.NEGATIVE_INFINITY

  const catchUpOne = async (l: ArchivedLedger) => {
    const v = await verifyArchivedLedger(l, init, init.networkId, p.verifier, d.proofs.counted)
    if (!v.ok) return count(`catchup_rejected_${String(v.error.reason)}`)
    const set = await checkTxSet(l.set, init.env.protocol, p.verifier, init.env.config.ledgerCapacityOps)
    if (!set.ok) return count('catchup_rejected_tx_set')
    for (const [nodeId, e] of v.value.externalizes) d.proofs.record(nodeId, l.seq, e)
    for (const q of l.qsets) {
      // only the quorum sets the verified EXTERNALIZEs name
      const parsed = parseQuorumSet(q)
      const hash = parsed.ok ? quorumSetHash(parsed.value) : undefined
      if (parsed.ok && hash && v.value.qsetHashes.has(hash)) d.qsets.file(hash, parsed.value)
    }
    await d.applier.caughtUp(l.seq, l.value, set.value)
    count('caught_up')
  }

  return {
    ask() {
      const now = p.now()
      if (now - askedAt < limits.askEveryMs) return
      askedAt = now
      count('catchup_requested')
      p.publish(
        'ledger',
        encodeMessage({ type: 'catchup-req', from: view.nextSlot(), limit: MAX_CATCHUP_BATCH }),
      )
    },
    async answered(ledgers: readonly ArchivedLedger[]) {
      if (p.now() - askedAt > limits.listenMs) return count('catchup_unsolicited')
      for (const l of ledgers) if (l.seq === view.nextSlot()) await catchUpOne(l)
    },
  }
}
