// Catching up from peers: a node that sees slots ahead of it asks (at most every 2 s) and reads
// answers only shortly after asking; each archived ledger is verified entry by entry, its tx set
// checked, then re-applied in order (issue 12, finding 4).
// A ledger may carry too few EXTERNALIZEs for this node's slices even though the network closed
// it: the nodes that confirmed it but caught up instead of externalizing never sign one, so a
// leaf that needs 3 of a 4-node core can meet a ledger only 2 of them signed (found by the soak,
// seed 450). Such a thin ledger is taken when a later ledger of the same answer passes on its own
// and the thin ones, closed here in a dry run, chain up to it: the verified ledger's tx set names
// the header before it, which fixes that ledger's every byte, and so on down (chain-backed).
import { type CheckedTxSet, checkTxSet, type LedgerState } from '../ledger/index.ts'
import { parseQuorumSet, quorumSetHash } from '../scp/index.ts'
import { type Applier, closeWith } from './applier.ts'
import { type VerifiedLedger, verifyArchivedLedger } from './catchup.ts'
import type { CloseProofs } from './close-proofs.ts'
import type { NodeView } from './herder-types.ts'
import { type ArchivedLedger, encodeMessage, MAX_CATCHUP_BATCH } from './messages.ts'
import { decodeLedgerValue } from './value.ts'
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

  const verify = (l: ArchivedLedger) =>
    verifyArchivedLedger(l, init, init.networkId, p.verifier, d.proofs.counted)
  const checkSet = (l: ArchivedLedger) =>
    checkTxSet(l.set, init.env.protocol, p.verifier, init.env.config.ledgerCapacityOps)

  /** Records what a verified ledger proved, then applies it. */
  const adopt = async (l: ArchivedLedger, v: VerifiedLedger | undefined, set: CheckedTxSet) => {
    for (const [nodeId, e] of v?.externalizes ?? []) d.proofs.record(nodeId, l.seq, e)
    for (const q of v ? l.qsets : []) {
      // only the quorum sets the verified EXTERNALIZEs name
      const parsed = parseQuorumSet(q)
      const hash = parsed.ok ? quorumSetHash(parsed.value) : undefined
      if (parsed.ok && hash && v!.qsetHashes.has(hash)) d.qsets.file(hash, parsed.value)
    }
    await d.applier.caughtUp(l.seq, l.value, set)
    count('caught_up')
  }

  /** `run[0]` is thin: finds the first later ledger that passes alone, with the dry-run closes between. */
  const chainBacked = async (run: readonly ArchivedLedger[]) => {
    let state: LedgerState = d.applier.current()
    const sets: CheckedTxSet[] = []
    for (const l of run) {
      const value = decodeLedgerValue(l.value)
      const set = value && (await checkSet(l))
      if (!set?.ok) return undefined
      // the ledger must close on the dry-run state: its tx set names the header before it
      const closed = closeWith(state, value!, set.value, init.env)
      if (!closed.ok) return undefined
      if (sets.length > 0) {
        const v = await verify(l)
        if (v.ok) return { thin: sets, anchor: { l, v: v.value, set: set.value } }
        if (v.error.reason !== 'no_quorum') return undefined
      }
      sets.push(set.value)
      state = closed.value.state
    }
    return undefined
  }

  /** Catches up the ledgers of `run` (consecutive, from the next slot) that can be proven. */
  const catchUpRun = async (run: readonly ArchivedLedger[]) => {
    for (let i = 0; i < run.length; ) {
      const l = run[i]!
      const v = await verify(l)
      if (v.ok) {
        const set = await checkSet(l)
        if (!set.ok) return count('catchup_rejected_tx_set')
        await adopt(l, v.value, set.value)
        i++
        continue
      }
      count(`catchup_rejected_${String(v.error.reason)}`)
      if (v.error.reason !== 'no_quorum') return
      const chain = await chainBacked(run.slice(i))
      if (!chain) return
      for (const [k, set] of chain.thin.entries()) {
        await adopt(run[i + k]!, undefined, set)
        count('caught_up_chain_backed')
      }
      await adopt(chain.anchor.l, chain.anchor.v, chain.anchor.set)
      i += chain.thin.length + 1
    }
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
      const from = ledgers.findIndex((l) => l.seq === view.nextSlot())
      if (from < 0) return
      const run: ArchivedLedger[] = []
      for (const l of ledgers.slice(from)) {
        if (l.seq !== ledgers[from]!.seq + run.length) break
        run.push(l)
      }
      await catchUpRun(run)
    },
  }
}
