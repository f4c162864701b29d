// The 'false-signers' Byzantine proposer (issue 11, item 2): it runs the honest herder, but every
// tx set it floods gets one more close-proof entry, an EXTERNALIZE "by" a validator that never
// signs (the ghost), with a noise signature. Its nominations are rewritten to name the forged
// sets, signed again with its own key, and sent together with those sets, so peers always hold
// them. Honest nodes must refuse those sets, so no ledger ever credits the ghost (the checkers'
// false_credit) and no day pays it a node reward.
import { cidOf, cidString } from '../codec/dag-cbor.ts'
import type { Signer } from '../crypto/signer.ts'
import type { TxSet } from '../ledger/index.ts'
import { decodeScpMessage, encodeMessage } from '../node/messages.ts'
import { decodeLedgerValue, encodeLedgerValue } from '../node/value.ts'
import {
  compareValues,
  DEFAULT_SCP_LIMITS,
  decodeEnvelope,
  encodeEnvelope,
  type NodeId,
  type Statement,
  signingBytes,
  type Value,
} from '../scp/index.ts'
import { BoundedMap } from '../node/bounded-map.ts'
import type { Gossip } from './herder-node.ts'
import type { SimNodeHost } from './node-host.ts'

export interface FalseSignersWorld {
  readonly signers: readonly Signer[]
  readonly networkId: Uint8Array
  /** The validator the forged entries name: it is in the validator set and never signs. */
  readonly ghost: NodeId
}

/** The set with a forged entry for the ghost, modelled on the set's first real entry. */
const forgedSet = (set: TxSet, ghost: NodeId): TxSet | undefined => {
  const model = set.proof[0] && decodeEnvelope(set.proof[0], DEFAULT_SCP_LIMITS)
  if (!model?.ok) return undefined
  const statement = { ...model.value.statement, nodeId: ghost } as Statement
  const fake = encodeEnvelope({ statement, signature: new Uint8Array(64).fill(0x5a) })
  const nodeOf = (b: Uint8Array) => {
    const d = decodeEnvelope(b, DEFAULT_SCP_LIMITS)
    return d.ok ? d.value.statement.nodeId : ''
  }
  const proof = [...set.proof, fake].sort((a, b) => (nodeOf(a) < nodeOf(b) ? -1 : 1))
  return { ...set, proof }
}

/** A nomination whose values name the forged sets instead of the real ones, signed again. */
const renominate = async (
  st: Statement & { type: 'nominate' },
  forged: ReadonlyMap<string, string>,
  signer: Signer,
  networkId: Uint8Array,
) => {
  const swap = (v: Value): Value => {
    const d = decodeLedgerValue(v)
    const cid = d && forged.get(d.txSet)
    return d && cid ? encodeLedgerValue({ ...d, txSet: cid }) : v
  }
  const sorted = (vs: readonly Value[]) => [...new Set(vs.map(swap))].sort(compareValues)
  const statement: Statement = { ...st, votes: sorted(st.votes), accepted: sorted(st.accepted) }
  return encodeEnvelope({ statement, signature: await signer.sign(signingBytes(networkId, statement)) })
}

export const forgeFalseSigners = (world: FalseSignersWorld) => {
  /** Per node: real set CID -> the forged set, as sent. */
  const forgedByNode = new Map<number, BoundedMap<string, { cid: string; message: Gossip }>>()
  return async (m: Gossip, host: SimNodeHost<Gossip>): Promise<readonly Gossip[]> => {
    const msg = m.kind === 'scp' ? decodeScpMessage(m.bytes) : undefined
    const forged =
      forgedByNode.get(host.index) ?? new BoundedMap<string, { cid: string; message: Gossip }>(64)
    forgedByNode.set(host.index, forged)
    if (msg?.type === 'txset') {
      const set = forgedSet(msg.set, world.ghost)
      if (!set) return [m]
      const message: Gossip = { kind: 'scp', bytes: encodeMessage({ type: 'txset', set }) }
      forged.set(cidString(cidOf(msg.set)), { cid: cidString(cidOf(set)), message })
      return [message]
    }
    if (msg?.type !== 'envelope') return [m]
    const env = decodeEnvelope(msg.env, DEFAULT_SCP_LIMITS)
    if (!env.ok || env.value.statement.type !== 'nominate') return [m]
    const cids = new Map([...forged].map(([real, f]) => [real, f.cid]))
    const bytes = await renominate(env.value.statement, cids, world.signers[host.index]!, world.networkId)
    return [
      ...[...forged.values()].map((f) => f.message),
      { kind: 'scp', bytes: encodeMessage({ ...msg, env: bytes }) },
    ]
  }
}
