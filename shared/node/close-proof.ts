// The close proof in a tx set (issue 11, item 2): who signed the previous ledger, as evidence.
// A nominator puts the EXTERNALIZE envelopes it holds of the previous ledger (validators' only,
// sorted by node) into its tx set; the set's CID, and with it the proof, is what the value names
// and the header commits to. Before any node votes for a value, every entry of its set's proof
// must be a validly signed EXTERNALIZE, by a validator in force, of exactly the ledger the slot
// builds on; a set with a forged, foreign or replayed entry is invalid, so a proposer cannot name
// a signer that did not sign, and combining candidates (which picks one set) cannot add one.
// The mining close step credits the proof's nodes (CloseInfo.signers).
import { cidString } from '../codec/dag-cbor.ts'
import type { LedgerState, TxSet } from '../ledger/index.ts'
import { DEFAULT_SCP_LIMITS, decodeEnvelope, type Envelope, type NodeId } from '../scp/index.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { CloseProofs } from './close-proofs.ts'
import { decodeLedgerValue } from './value.ts'

export type ProofCode =
  | 'proof_malformed'
  | 'proof_not_externalize'
  | 'proof_order'
  | 'proof_wrong_ledger'
  | 'proof_not_validator'
  | 'proof_bad_signature'
  | 'proof_unverified'

const bad = (code: ProofCode, details: Record<string, unknown> = {}) => err(wattError(code, details))

/** The entries this node puts in its set for the slot after `closedSlot`. */
export const proofFor = (
  proofs: CloseProofs,
  closedSlot: number,
  validators: ReadonlySet<string>,
): Uint8Array[] =>
  proofs.envelopes(closedSlot).filter((e) => {
    const d = decodeEnvelope(e, DEFAULT_SCP_LIMITS)
    return d.ok && validators.has(d.value.statement.nodeId)
  })

const externalizeOf = (bytes: Uint8Array): Result<Envelope, WattError<ProofCode>> => {
  const d = decodeEnvelope(bytes, DEFAULT_SCP_LIMITS)
  if (!d.ok) return bad('proof_malformed')
  return d.value.statement.type === 'externalize' ? ok(d.value) : bad('proof_not_externalize')
}

/**
 * Checks every entry's signature once (entries this node already verified are known by their
 * bytes) and records the verified ones. Entries of nodes whose EXTERNALIZE does not count here
 * fail: no honest nominator puts them in.
 */
export const verifyProof = async (
  set: TxSet,
  verify: (env: Envelope) => Promise<boolean>,
  proofs: CloseProofs,
): Promise<Result<true, WattError<ProofCode>>> => {
  for (const bytes of set.proof) {
    const e = externalizeOf(bytes)
    if (!e.ok) return e
    const st = e.value.statement
    if (proofs.holds(st.slot, st.nodeId, bytes)) continue
    if (!proofs.counted(st.nodeId)) return bad('proof_not_validator', { node: st.nodeId })
    if (!(await verify(e.value))) return bad('proof_bad_signature', { node: st.nodeId })
    proofs.record(st.nodeId, st.slot, bytes)
  }
  return ok(true)
}

/**
 * The validators a set's proof credits for the ledger after `state`: each entry a verified
 * EXTERNALIZE (verifyProof ran) of the ledger `state` closed, by a validator in force, one per
 * node in node order. Synchronous, for value validation.
 */
export const proofSigners = (
  set: TxSet,
  state: LedgerState,
  validators: ReadonlySet<string>,
  proofs: CloseProofs,
): Result<NodeId[], WattError<ProofCode>> => {
  const txSet = cidString(state.header.txSet)
  const signers: NodeId[] = []
  for (const bytes of set.proof) {
    const e = externalizeOf(bytes)
    if (!e.ok) return e
    const st = e.value.statement
    if (st.type !== 'externalize') return bad('proof_not_externalize')
    const v = decodeLedgerValue(st.commit.value)
    if (st.slot !== state.header.seq || v?.txSet !== txSet || v.closeTimeMs !== state.header.closeTimeMs)
      return bad('proof_wrong_ledger', { node: st.nodeId })
    if (!validators.has(st.nodeId)) return bad('proof_not_validator', { node: st.nodeId })
    if (signers.length > 0 && !(signers[signers.length - 1]! < st.nodeId)) return bad('proof_order')
    if (!proofs.holds(st.slot, st.nodeId, bytes)) return bad('proof_unverified', { node: st.nodeId })
    signers.push(st.nodeId)
  }
  return ok(signers)
}

/** The nodes a set's proof names, in order (for a ledger consensus already agreed on). */
export const proofNodes = (set: TxSet): NodeId[] =>
  set.proof.flatMap((b) => {
    const d = decodeEnvelope(b, DEFAULT_SCP_LIMITS)
    return d.ok ? [d.value.statement.nodeId] : []
  })
