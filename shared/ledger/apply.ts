// applyLedger: the pure, deterministic state transition. Outside facts (close time, genesis config,
// the protocol's operations and close steps) are arguments; the same inputs give the same header CID.
// Per transaction: checks that gate inclusion (signature, network, account, sequence, fee, time
// bounds, fee balance) reject it with no effect; then the fee is charged into the fee pool and the
// sequence consumed, and the operations apply atomically (all or none).
import { type CID, cidOf } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { Amount } from './amount.ts'
import { dayIndexOf, type GenesisConfig } from './config.ts'
import { type DraftControl, type EntryChange, openDraft } from './draft.ts'
import { headerCid, type LedgerHeader } from './header.ts'
import type { CloseContext, Protocol } from './operations/registry.ts'
import type { PrecheckCode, UnknownOpCode } from './result-codes.ts'
import type { LedgerState } from './state.ts'
import { keyHashOf, makeLeaf, nodeHash, type TrieNode, trieUpdate } from './trie.ts'
import type { CheckedTx, CheckedTxSet } from './tx-set.ts'

export interface CloseInfo {
  readonly closeTimeMs: number
}

export interface LedgerEnv {
  readonly config: GenesisConfig
  readonly protocol: Protocol
}

/** One result per transaction of the set, in apply order. `fee` is what was charged. */
export interface TxResult {
  readonly tx: string
  readonly ok: boolean
  readonly fee: Amount
  /**
   * Rejection code, absent on success: a PrecheckCode, 'unknown_operation', or the failing
   * operation's own code (each module's catalogue: result-codes.ts, shared/mining/operations.ts).
   */
  readonly code?: string
  /** Index of the failing operation, when an operation failed. */
  readonly op?: number
}

export interface ClosedLedger {
  readonly state: LedgerState
  readonly header: LedgerHeader
  readonly headerCid: CID
  readonly results: readonly TxResult[]
  readonly changes: readonly EntryChange[]
}

const rejected = (tx: CheckedTx, code: PrecheckCode): TxResult => ({
  tx: tx.id,
  ok: false,
  fee: 0n as Amount,
  code,
})

/** The gate checks; the code of the first that fails, or undefined. */
export const precheckTx = (
  c: DraftControl,
  tx: CheckedTx,
  closeTimeMs: number,
  config: GenesisConfig,
): PrecheckCode | undefined => {
  const b = tx.tx.body
  if (!tx.sigOk) return 'bad_signature'
  if (b.network !== config.networkId) return 'wrong_network'
  const acct = c.draft.getAccount(tx.source)
  if (!acct) return 'no_account'
  if (b.seq !== acct.seq + 1n) return 'bad_seq'
  if (b.fee < config.minFeePerOp * BigInt(tx.opCount)) return 'below_min_fee'
  if (b.minTimeMs !== 0 && closeTimeMs < b.minTimeMs) return 'too_early'
  if (b.maxTimeMs !== 0 && closeTimeMs > b.maxTimeMs) return 'expired'
  if (acct.balance < b.fee) return 'insufficient_balance'
  return undefined
}

const applyTx = (c: DraftControl, tx: CheckedTx, env: LedgerEnv): TxResult => {
  const code = precheckTx(c, tx, c.draft.closeTimeMs, env.config)
  if (code) return rejected(tx, code)
  const { draft } = c
  const b = tx.tx.body
  const acct = draft.getAccount(tx.source)!
  draft.putAccount(tx.source, { balance: (acct.balance - b.fee) as Amount, seq: b.seq })
  const pools = draft.getPools()
  draft.putPools({ ...pools, feePool: (pools.feePool + b.fee) as Amount })
  c.begin()
  for (const [i, op] of b.ops.entries()) {
    const handler = env.protocol.operations.get(op.type)
    const e: WattError | undefined = handler
      ? handler.apply(draft, op, { source: tx.source, signers: tx.signers, txId: tx.id, opIndex: i })
      : wattError<UnknownOpCode>('unknown_operation')
    if (e) {
      c.rollback()
      return { tx: tx.id, ok: false, fee: b.fee, code: e.code, op: i }
    }
  }
  c.commit()
  return { tx: tx.id, ok: true, fee: b.fee }
}

/** Applies entry changes to a trie (deletions for undefined values). */
export const applyChanges = (tree: TrieNode | null, changes: readonly EntryChange[]): TrieNode | null =>
  trieUpdate(
    tree,
    changes.map((ch) =>
      ch.value === undefined
        ? { keyHash: ch.keyHash ?? keyHashOf(ch.key), deleted: true as const }
        : makeLeaf(ch.key, ch.value, ch.keyHash),
    ),
  )

export const applyLedger = (
  state: LedgerState,
  txSet: CheckedTxSet,
  info: CloseInfo,
  env: LedgerEnv,
): Result<ClosedLedger, WattError<'bad_tx_set' | 'bad_close_time'>> => {
  const prev = state.header
  if (!txSet.set.prevHeader.equals(state.headerCid)) {
    return err(wattError('bad_tx_set', { reason: 'wrong_prev_header' }))
  }
  const ops = txSet.txs.reduce((n, t) => n + t.opCount, 0)
  if (ops > env.config.ledgerCapacityOps)
    return err(wattError('bad_tx_set', { reason: 'over_capacity', ops }))
  if (!Number.isSafeInteger(info.closeTimeMs) || info.closeTimeMs <= prev.closeTimeMs) {
    return err(wattError('bad_close_time', { prev: prev.closeTimeMs, got: info.closeTimeMs }))
  }
  const seq = prev.seq + 1
  const dayIndex = dayIndexOf(env.config, info.closeTimeMs)
  const c = openDraft(state.tree, { seq, closeTimeMs: info.closeTimeMs, dayIndex, config: env.config })
  const results = txSet.txs.map((tx) => applyTx(c, tx, env))
  const ctx: CloseContext = {
    seq,
    closeTimeMs: info.closeTimeMs,
    dayIndex,
    prevDayIndex: prev.dayIndex,
    config: env.config,
  }
  for (const step of env.protocol.closeSteps) step.run(c.draft, ctx)
  const pools = c.draft.getPools()
  const changes = c.changes()
  const tree = applyChanges(state.tree, changes)
  let unissued = 0n
  for (const v of Object.values(pools.unissued)) unissued += v
  const header: LedgerHeader = {
    protocolVersion: env.config.protocolVersion,
    networkId: env.config.networkId,
    seq,
    prevHeader: state.headerCid,
    txSet: txSet.cid,
    results: cidOf(results),
    stateRoot: nodeHash(tree),
    closeTimeMs: info.closeTimeMs,
    dayIndex,
    totalCoins: (env.config.supplyCap - unissued) as Amount,
    feePool: pools.feePool,
  }
  const cid = headerCid(header)
  return ok({ state: { tree, header, headerCid: cid }, header, headerCid: cid, results, changes })
}
