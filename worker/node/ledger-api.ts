// The ledger service's RPC methods (ledger.*, quorum.*, validator.*) and their guards.
import { checkQuorumSet, type QuorumSet } from '../../shared/scp/index.ts'
import { fail } from '../../shared/util/errors.ts'
import { bytes, limitParams, noParams, optionalParams, paramsObject, text } from '../rpc/params.ts'
import type { Guard, Guards, Method } from '../rpc/table.ts'
import type { LedgerStatusView } from './ledger-service.ts'
import type { LedgerSummary } from './ledger-node-api.ts'
import type { RequestState } from './validator-admission.ts'

export interface QuorumInfo {
  readonly quorumSet: QuorumSet
  readonly nodeId: string
  readonly validators: readonly string[]
}

export interface QuorumProposal {
  readonly quorumSet: QuorumSet
}

export type LedgerMethods = {
  'ledger.status': Method<undefined, LedgerStatusView | undefined>
  /** Recent closed ledgers, newest first; `limit` 1..50, default 10. */
  'ledger.recent': Method<{ readonly limit?: number } | undefined, LedgerSummary[]>
  /** A signed transaction's wire bytes: checked, queued in the mempool and flooded. */
  'ledger.submit': Method<{ readonly tx: Uint8Array }, { txId: string }>
  /** The account's balance and sequence number (decimal text), null when it does not exist. */
  'ledger.account': Method<{ readonly address: string }, { balance: string; seq: string } | null>
  'quorum.get': Method<undefined, QuorumInfo>
  /** The health text of the network seen with this node's quorum set replaced by the proposal. */
  'quorum.analyze': Method<QuorumProposal, { health: string }>
  'quorum.set': Method<QuorumProposal, QuorumProposal>
  'validator.request': Method<undefined, { request: RequestState }>
  'validator.admit': Method<{ readonly nodeId: string }, QuorumProposal>
}

/** Far above any transaction (the ledger refuses those over MAX_TX_BYTES as `oversized`). */
const MAX_SUBMIT_BYTES = 64 * 1024

const proposal: Guard<QuorumProposal> = (p) => {
  const q = optionalParams(p)?.quorumSet
  if (q === undefined) return fail('bad_quorum_set', { reason: 'missing' })
  const checked = checkQuorumSet(q)
  return checked.ok ? { quorumSet: q as QuorumSet } : fail('bad_quorum_set', { reason: checked.error.code })
}

export const LEDGER_GUARDS: Guards<LedgerMethods> = {
  'ledger.status': noParams,
  'ledger.recent': limitParams,
  'ledger.submit': (p) => ({ tx: bytes(paramsObject(p), 'tx', 0, MAX_SUBMIT_BYTES) }),
  'ledger.account': (p) => ({ address: text(paramsObject(p), 'address') }),
  'quorum.get': noParams,
  'quorum.analyze': proposal,
  'quorum.set': proposal,
  'validator.request': noParams,
  'validator.admit': (p) => ({ nodeId: text(paramsObject(p), 'nodeId') }),
}
