// applyLedger: the pure, deterministic state transition. Outside facts are arguments: the facts
// consensus agreed on (close time, the previous ledger's EXTERNALIZE signers, upgrades), the
// genesis config and the protocol's modules; the same inputs give the same header CID.
// Per transaction: checks that gate inclusion (signature, network, account, sequence, fee, time
// bounds, fee balance) reject it with no effect; then the fee is charged into the fee pool and the
// sequence consumed, and the operations apply atomically (all or none). A fee-free transaction
// (every operation `feeless`, fee 0; at most the core module's `freeTxsPerLedger` per ledger) may
// come from a key with no account when it opens one (`opensAccount`, sequence 1); one whose
// operations fail leaves nothing at all, not even a consumed sequence or a new account. Then the
// modules' close steps run, then the upgrades are written (in force from the next ledger).
import { type CID, cidOf } from '../codec/dag-cbor.ts'
import type { Address } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { Amount } from './amount.ts'
import { dayIndexOf, type GenesisConfig } from './config.ts'
import { type DraftControl, type EntryChange, openDraft } from './draft.ts'
import { headerCid, type LedgerHeader } from './header.ts'
import type { Protocol } from './module.ts'
import type { CoreParams } from './operations/core.ts'
import type { CloseContext, ModuleTotals } from './operations/registry.ts'
import type { PrecheckCode, UnknownOpCode } from './result-codes.ts'
import { paramsInForce, PROTOCOL_KEY, type ProtocolEntry, readProtocolEntry } from './protocol-state.ts'
import { type LedgerState, lookup } from './state.ts'
import { keyHashOf, makeLeaf, nodeHash, type TrieNode, trieUpdate } from './trie.ts'
import type { CheckedTx, CheckedTxSet } from './tx-set.ts'
import { type Upgrade, upgradeEntry } from './upgrade.ts'
import { validatorSetAt } from './validators.ts'

/** The facts consensus agreed on for a ledger. */
export interface CloseInfo {
  readonly closeTimeMs: number
  /**
   * The validators whose EXTERNALIZE of the previous ledger the agreed value names: sorted,
   * distinct, each in the validator set in force (validatorSetAt of the previous state).
   */
  readonly signers: readonly string[]
  /** In canonical order (parseUpgrades), each valid against the protocol in force (validateUpgrades). */
  readonly upgrades: readonly Upgrade[]
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
  /** Rejection code, absent on success. */
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
  /** The agreed facts it was closed with (a store records them for replays). */
  readonly info: CloseInfo
}

export type ApplyError = WattError<'bad_tx_set' | 'bad_close_time' | 'bad_signers' | 'bad_upgrade'>

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
  const acct = c.draft.getAccount(tx.source) ?? (tx.opens ? NEW_ACCOUNT : undefined)
  if (!acct) return 'no_account'
  if (b.seq !== acct.seq + 1n) return 'bad_seq'
  if (!tx.free && b.fee < config.minFeePerOp * BigInt(tx.opCount)) return 'below_min_fee'
  if (b.minTimeMs !== 0 && closeTimeMs < b.minTimeMs) return 'too_early'
  if (b.maxTimeMs !== 0 && closeTimeMs > b.maxTimeMs) return 'expired'
  if (acct.balance < b.fee) return 'insufficient_balance'
  return undefined
}

const NEW_ACCOUNT = { balance: 0n as Amount, seq: 0n }

/** What is left of the ledger's fee-free transactions (the core module's parameter). */
const freeQuota = (params: ReadonlyMap<string, unknown>) => ({
  left: (params.get('core') as CoreParams | undefined)?.freeTxsPerLedger ?? 0,
})

const applyTx = (
  c: DraftControl,
  tx: CheckedTx,
  env: LedgerEnv,
  params: ReadonlyMap<string, unknown>,
  free: { left: number },
): TxResult => {
  const code = precheckTx(c, tx, c.draft.closeTimeMs, env.config)
  if (code) return rejected(tx, code)
  if (tx.free && free.left <= 0) return rejected(tx, 'free_limit')
  if (tx.free) free.left--
  const { draft } = c
  const b = tx.tx.body
  // a free transaction's savepoint also holds its sequence (and the account it opens)
  if (tx.free) c.begin()
  const acct = draft.getAccount(tx.source) ?? NEW_ACCOUNT
  draft.putAccount(tx.source, { balance: (acct.balance - b.fee) as Amount, seq: b.seq })
  const pools = draft.getPools()
  draft.putPools({ ...pools, feePool: (pools.feePool + b.fee) as Amount })
  if (!tx.free) c.begin()
  for (const [i, op] of b.ops.entries()) {
    const handler = env.protocol.operations.get(op.type)
    const ctx = {
      source: tx.source,
      signers: tx.signers,
      txId: tx.id,
      opIndex: i,
      params: params.get(env.protocol.opModule.get(op.type)!),
    }
    const e: WattError | undefined = handler
      ? handler.apply(draft, op, ctx)
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

/** The signers must be sorted, distinct and in the validator set in force. */
const checkSigners = (signers: readonly string[], validators: readonly Address[]): ApplyError | undefined => {
  const set = new Set<string>(validators)
  for (const [i, v] of signers.entries()) {
    if (i > 0 && !(signers[i - 1]! < v)) return wattError('bad_signers', { reason: 'order' })
    if (!set.has(v)) return wattError('bad_signers', { reason: 'not_validator', signer: v })
  }
  return undefined
}

/** Set-level checks: the set chains to the state, fits, and the close time moves forward. */
const checkSet = (state: LedgerState, txSet: CheckedTxSet, info: CloseInfo, env: LedgerEnv) => {
  if (!txSet.set.prevHeader.equals(state.headerCid)) {
    return wattError('bad_tx_set', { reason: 'wrong_prev_header' })
  }
  const ops = txSet.txs.reduce((n, t) => n + t.opCount, 0)
  if (ops > env.config.ledgerCapacityOps) return wattError('bad_tx_set', { reason: 'over_capacity', ops })
  if (!Number.isSafeInteger(info.closeTimeMs) || info.closeTimeMs <= state.header.closeTimeMs) {
    return wattError('bad_close_time', { prev: state.header.closeTimeMs, got: info.closeTimeMs })
  }
  return undefined
}

/** Runs every module's close steps in order; the totals they report, by module. */
const runCloseSteps = (
  c: DraftControl,
  env: LedgerEnv,
  base: Omit<CloseContext, 'params'>,
  params: ReadonlyMap<string, unknown>,
): Record<string, ModuleTotals> => {
  const totals: Record<string, ModuleTotals> = {}
  for (const { module, step } of env.protocol.closeSteps) {
    const t = step.run(c.draft, { ...base, params: params.get(module) })
    if (t && Object.keys(t).length > 0) totals[module] = { ...totals[module], ...t }
  }
  return totals
}

const sealLedger = (
  state: LedgerState,
  c: DraftControl,
  parts: { txSet: CheckedTxSet; results: TxResult[]; info: CloseInfo; env: LedgerEnv },
  fields: {
    seq: number
    dayIndex: number
    protocol: ProtocolEntry
    moduleTotals: LedgerHeader['moduleTotals']
  },
): ClosedLedger => {
  const pools = c.draft.getPools()
  const changes = c.changes()
  const tree = applyChanges(state.tree, changes)
  let unissued = 0n
  for (const v of Object.values(pools.unissued)) unissued += v
  const header: LedgerHeader = {
    protocolVersion: fields.protocol.version,
    networkId: parts.env.config.networkId,
    seq: fields.seq,
    prevHeader: state.headerCid,
    txSet: parts.txSet.cid,
    results: cidOf(parts.results),
    stateRoot: nodeHash(tree),
    closeTimeMs: parts.info.closeTimeMs,
    dayIndex: fields.dayIndex,
    totalCoins: (parts.env.config.supplyCap - unissued) as Amount,
    feePool: pools.feePool,
    moduleTotals: fields.moduleTotals,
  }
  const cid = headerCid(header)
  const { results, info } = parts
  return { state: { tree, header, headerCid: cid }, header, headerCid: cid, results, changes, info }
}

export const applyLedger = (
  state: LedgerState,
  txSet: CheckedTxSet,
  info: CloseInfo,
  env: LedgerEnv,
): Result<ClosedLedger, ApplyError> => {
  const refused = checkSet(state, txSet, info, env)
  if (refused) return err(refused)
  const validators = validatorSetAt(state)
  const badSigners = checkSigners(info.signers, validators)
  if (badSigners) return err(badSigners)
  const rawProtocol = lookup(state.tree, PROTOCOL_KEY)
  const entry = readProtocolEntry(rawProtocol)
  const upgraded = upgradeEntry(entry, env.protocol, info.upgrades)
  if (!upgraded.ok) return upgraded
  const params = paramsInForce(rawProtocol, env.protocol)
  const seq = state.header.seq + 1
  const dayIndex = dayIndexOf(env.config, info.closeTimeMs)
  const c = openDraft(state.tree, {
    seq,
    closeTimeMs: info.closeTimeMs,
    dayIndex,
    config: env.config,
    prevHeader: state.headerCid.bytes,
  })
  const free = freeQuota(params)
  const results = txSet.txs.map((tx) => applyTx(c, tx, env, params, free))
  const moduleTotals = runCloseSteps(
    c,
    env,
    {
      seq,
      closeTimeMs: info.closeTimeMs,
      dayIndex,
      prevDayIndex: state.header.dayIndex,
      config: env.config,
      signers: info.signers as readonly Address[],
      upgrades: info.upgrades,
      validators,
      protocolVersion: entry.version,
    },
    params,
  )
  if (info.upgrades.length > 0) c.putEntry(PROTOCOL_KEY, upgraded.value)
  return ok(
    sealLedger(
      state,
      c,
      { txSet, results, info, env },
      { seq, dayIndex, protocol: upgraded.value, moduleTotals },
    ),
  )
}
