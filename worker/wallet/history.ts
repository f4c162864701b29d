// The wallet's history: its own submitted transactions from `pending` to a final state, and every
// applied transaction that moved money to or from the account, as seen in closed ledgers. Pure and
// bounded (newest first, MAX_HISTORY items); the service persists it.
import {
  type Address,
  addressOf,
  type CheckedTx,
  getAccount,
  type LedgerHeader,
  type LedgerState,
  type TxResult,
} from '../../shared/ledger/index.ts'

export const MAX_HISTORY = 500

/**
 * pending: submitted, not yet in a closed ledger. applied: in ledger `ledger`. rejected: in a
 * ledger's results with `code` (a fee may still have been charged). dropped: can never apply
 * (expired with its sequence number unused: `expired`; or another transaction of the account took
 * its sequence number in a ledger seen here: `seq_taken`). unknown: its sequence number was used
 * while this node was not watching, so whether this transaction or another took it is not known.
 */
export type TxState = 'pending' | 'applied' | 'rejected' | 'dropped' | 'unknown'

export interface HistoryItem {
  /** Transaction id (hex of its signing hash). */
  readonly id: string
  readonly dir: 'out' | 'in'
  readonly counterparty: Address
  /** Base units moved to or from this account. */
  readonly amount: bigint
  /** Fee bid (outgoing) or charged (once in a ledger). */
  readonly fee: bigint
  readonly seq: bigint
  readonly state: TxState
  readonly code?: string
  readonly ledger?: number
  readonly timeMs: number
  readonly maxTimeMs: number
  /** Faucet requests only: which try this is (another node's faucet payment may take its seq). */
  readonly attempt?: number
}

export interface ObservedLedger {
  readonly seq: number
  readonly header: LedgerHeader
  readonly txSet: { readonly txs: readonly CheckedTx[] }
  readonly results: readonly TxResult[]
  readonly state: LedgerState
}

const bound = (items: readonly HistoryItem[]): HistoryItem[] => items.slice(0, MAX_HISTORY)

export const addPending = (items: readonly HistoryItem[], item: HistoryItem): HistoryItem[] =>
  bound([item, ...items.filter((i) => i.id !== item.id)])

interface Transfer {
  readonly dest: Address
  readonly amount: bigint
}

/** The money-moving operations of a transaction (createAccount and payment), by destination. */
const transfersOf = (tx: CheckedTx): Transfer[] => {
  const out: Transfer[] = []
  for (const op of tx.tx.body.ops) {
    if (op.type !== 'payment' && op.type !== 'createAccount') continue
    const o = op as unknown as { dest: Uint8Array; amount: bigint }
    out.push({ dest: addressOf(o.dest), amount: o.amount })
  }
  return out
}

/** A new history row for an applied transaction this wallet did not submit (or forgot). */
const discovered = (tx: CheckedTx, r: TxResult, me: Address, l: ObservedLedger): HistoryItem | undefined => {
  const moves = transfersOf(tx)
  const out = tx.source === me
  const mine = out ? moves : moves.filter((m) => m.dest === me)
  if (mine.length === 0) return undefined
  return {
    id: tx.id,
    dir: out ? 'out' : 'in',
    counterparty: out ? mine[0]!.dest : tx.source,
    amount: mine.reduce((s, m) => s + m.amount, 0n),
    fee: r.fee,
    seq: tx.tx.body.seq,
    state: 'applied',
    ledger: l.seq,
    timeMs: l.header.closeTimeMs,
    maxTimeMs: tx.tx.body.maxTimeMs,
  }
}

/** Folds one closed ledger into the history; `changed` is false when nothing concerned `me`. */
export const observeLedger = (
  items: readonly HistoryItem[],
  me: Address,
  l: ObservedLedger,
): { items: HistoryItem[]; changed: boolean } => {
  const byId = new Map(items.map((i) => [i.id, i]))
  const results = new Map(l.results.map((r) => [r.tx, r]))
  const updated = new Map<string, HistoryItem>()
  const added: HistoryItem[] = []
  const seqsUsed = new Set<string>()
  for (const tx of l.txSet.txs) {
    const r = results.get(tx.id)
    if (!r) continue
    if (r.code !== 'bad_seq' && r.code !== 'no_account') seqsUsed.add(`${tx.source}/${tx.tx.body.seq}`)
    const known = byId.get(tx.id)
    if (known?.state === 'pending') {
      updated.set(tx.id, {
        ...known,
        state: r.ok ? 'applied' : 'rejected',
        ...(r.code === undefined ? {} : { code: r.code }),
        fee: r.fee,
        ledger: l.seq,
      })
    } else if (!known && r.ok) {
      const row = discovered(tx, r, me, l)
      if (row) added.push(row)
    }
  }
  for (const i of items) {
    if (i.state !== 'pending' || updated.has(i.id)) continue
    const source = i.dir === 'out' ? me : i.counterparty
    if (seqsUsed.has(`${source}/${i.seq}`)) updated.set(i.id, { ...i, state: 'dropped', code: 'seq_taken' })
    else if ((getAccount(l.state, source)?.seq ?? 0n) >= i.seq) updated.set(i.id, { ...i, state: 'unknown' })
    else if (i.maxTimeMs !== 0 && l.header.closeTimeMs > i.maxTimeMs) {
      updated.set(i.id, { ...i, state: 'dropped', code: 'expired' })
    }
  }
  if (updated.size === 0 && added.length === 0) return { items: [...items], changed: false }
  return { items: bound([...added.reverse(), ...items.map((i) => updated.get(i.id) ?? i)]), changed: true }
}

/** Outgoing transactions still waiting: they reserve balance and sequence numbers. */
export const pendingOut = (items: readonly HistoryItem[]): HistoryItem[] =>
  items.filter((i) => i.state === 'pending' && i.dir === 'out')
