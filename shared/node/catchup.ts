// Verifying a ledger received from a peer while catching up: its EXTERNALIZE statements must be
// validly signed by a set of validators that, with this node itself, satisfies this node's own
// quorum set (a slice of it) or blocks it (a v-blocking set), all naming this slot and the
// archived value, and the value must name the archived tx
// set. Only then is the tx set re-applied, which checks the hash chain and every transaction.
import { cidOf, cidString } from '../codec/dag-cbor.ts'
import { parseAddress } from '../crypto/address.ts'
import type { Verifier } from '../crypto/signer.ts'
import {
  DEFAULT_SCP_LIMITS,
  decodeEnvelope,
  isQuorumSlice,
  isVBlocking,
  type NodeId,
  type QuorumSet,
  signingBytes,
  statementQuorumSetHash,
} from '../scp/index.ts'
import { bytesEqual } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { ArchivedLedger } from './messages.ts'
import { decodeLedgerValue, type LedgerValue } from './value.ts'

/** A ledger from a peer that passed every check, with the EXTERNALIZEs this node verified. */
export interface VerifiedLedger {
  readonly value: LedgerValue
  /** The verified envelopes of nodes whose EXTERNALIZE counts here, by node. */
  readonly externalizes: ReadonlyMap<NodeId, Uint8Array>
  /** The quorum set hashes those verified statements name. */
  readonly qsetHashes: ReadonlySet<string>
}

/**
 * Checks one archived ledger. Entries of nodes whose EXTERNALIZE does not count here (`counts`)
 * are skipped unverified and never recorded; every other entry is verified, and a single bad
 * one rejects the ledger (a peer that pads or forges is lying). The bound on entries is the
 * decoder's (MAX_ARCHIVED_EXTERNALIZES).
 */
export const verifyArchivedLedger = async (
  l: ArchivedLedger,
  local: { readonly nodeId: NodeId; readonly quorumSet: QuorumSet },
  networkId: Uint8Array,
  verifier: Verifier,
  counts: (n: NodeId) => boolean,
): Promise<Result<VerifiedLedger, WattError<'bad_catchup'>>> => {
  const bad = (reason: string) => err(wattError('bad_catchup', { seq: l.seq, reason }))
  const value = decodeLedgerValue(l.value)
  if (!value) return bad('value')
  if (cidString(cidOf(l.set)) !== value.txSet) return bad('tx_set_mismatch')
  const verified = new Map<NodeId, Uint8Array>()
  const qsetHashes = new Set<string>()
  const seen = new Set<NodeId>()
  for (const bytes of l.externalizes) {
    const env = decodeEnvelope(bytes, DEFAULT_SCP_LIMITS)
    if (!env.ok) return bad('envelope')
    const st = env.value.statement
    if (st.type !== 'externalize' || st.slot !== l.seq || !bytesEqual(st.commit.value, l.value))
      return bad('statement')
    if (seen.has(st.nodeId)) return bad('duplicate_signer')
    seen.add(st.nodeId)
    if (!counts(st.nodeId)) continue
    const pk = parseAddress(st.nodeId)
    if (!pk.ok) return bad('node_id')
    if (!(await verifier.verify(pk.value, signingBytes(networkId, st), env.value.signature)))
      return bad('signature')
    verified.set(st.nodeId, bytes)
    qsetHashes.add(statementQuorumSetHash(st))
  }
  // Enough signers: a slice of this node's quorum set (its own place counts: it agrees with what
  // it verified), or a set that blocks every slice of it. For an intact node either holds an
  // intact node, so the value is the one the network externalized; the second lets a node whose
  // slices need peers as far behind as itself (a security circle) follow the nodes ahead.
  const has = (n: NodeId) => verified.has(n)
  if (
    !isQuorumSlice(local.quorumSet, (n) => n === local.nodeId || has(n)) &&
    !isVBlocking(local.quorumSet, has)
  )
    return bad('no_quorum')
  return ok({ value, externalizes: verified, qsetHashes })
}

/** Durable history: closed ledgers with their EXTERNALIZE proof, kept beyond the memory archive. */
export interface LedgerHistory {
  load(seq: number): Promise<ArchivedLedger | undefined>
  save(l: ArchivedLedger): Promise<void>
}

/** Consecutive ledgers from `from`, from memory first, else from durable history; stops at a gap. */
export const collectCatchupBatch = async (
  from: number,
  limit: number,
  memory: (seq: number) => ArchivedLedger | undefined,
  history: LedgerHistory | undefined,
): Promise<ArchivedLedger[]> => {
  const batch: ArchivedLedger[] = []
  for (let s = Math.max(2, from); s < from + limit; s++) {
    const a = memory(s) ?? (await history?.load(s).catch(() => undefined))
    if (!a || a.seq !== s) break
    batch.push(a)
  }
  return batch
}
