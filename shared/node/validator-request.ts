// A watcher asking to become a validator. Stellar-style, being a validator is a node's own choice
// (it votes); what matters is whether others trust it. The newcomer signs a request naming the
// network and a time and floods it on the `scp` topic; validators keep the requests they can
// verify (bounded, one per node, rate-limited, deduplicated) for their operator, who may admit
// one: it joins the operator's top-level validators and the threshold becomes a two-thirds
// majority again. Devnet validators may admit automatically (a devnet convenience only).
import { encode } from '../codec/dag-cbor.ts'
import { parseAddress } from '../crypto/address.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'
import { twoThirds } from '../quorum/threshold.ts'
import { type NodeId, type QuorumSet, quorumSetNodes } from '../scp/index.ts'

export interface ValidatorRequest {
  readonly type: 'validator-req'
  readonly nodeId: NodeId
  /** The requester's clock, ms: requests too far from the receiver's clock are stale. */
  readonly at: number
  readonly sig: Uint8Array
}

export interface PendingRequest {
  readonly nodeId: NodeId
  readonly at: number
}

/** How far a request's time may be from the receiver's clock. */
export const REQUEST_MAX_AGE_MS = 10 * 60_000
/** Per requester: a newer request replaces the kept one at most this often. */
export const REQUEST_MIN_INTERVAL_MS = 5_000
export const MAX_PENDING_REQUESTS = 64

const signingBytes = (network: string, nodeId: NodeId, at: number): Uint8Array =>
  encode(['watt-validator-request', network, nodeId, at])

export const makeValidatorRequest = async (
  signer: Signer,
  network: string,
  nodeId: NodeId,
  at: number,
): Promise<ValidatorRequest> => ({
  type: 'validator-req',
  nodeId,
  at,
  sig: await signer.sign(signingBytes(network, nodeId, at)),
})

export const isValidatorRequestShape = (m: Record<string, unknown>): boolean =>
  m.type === 'validator-req' &&
  typeof m.nodeId === 'string' &&
  m.nodeId.length < 100 &&
  Number.isSafeInteger(m.at) &&
  m.sig instanceof Uint8Array &&
  m.sig.length === 64

/** The quorum set with `node` added to its top-level validators, threshold a two-thirds majority. */
export const admitToQuorumSet = (q: QuorumSet, node: NodeId): QuorumSet => {
  if (quorumSetNodes(q).has(node)) return q
  const validators = [...q.validators, node]
  return { ...q, validators, threshold: twoThirds(validators.length + q.innerSets.length) }
}

export type RequestOutcome = 'kept' | 'known' | 'stale' | 'throttled' | 'bad_signature' | 'full'

/** The requests a validator holds for its operator: verified, one per node, bounded. */
export const createRequestBook = (network: string, verifier: Verifier, now: () => number) => {
  const book = new Map<NodeId, PendingRequest & { seenAt: number }>()
  return {
    /** `trusted`: nodes already in this node's quorum set (their requests are moot). */
    async receive(r: ValidatorRequest, trusted: ReadonlySet<NodeId>): Promise<RequestOutcome> {
      const t = now()
      if (trusted.has(r.nodeId)) return 'known'
      if (Math.abs(t - r.at) > REQUEST_MAX_AGE_MS) return 'stale'
      const had = book.get(r.nodeId)
      if (had && (r.at <= had.at || t - had.seenAt < REQUEST_MIN_INTERVAL_MS)) return 'throttled'
      if (!had && book.size >= MAX_PENDING_REQUESTS) {
        for (const [k, v] of book) if (t - v.seenAt > REQUEST_MAX_AGE_MS) book.delete(k)
        if (book.size >= MAX_PENDING_REQUESTS) return 'full'
      }
      const pk = parseAddress(r.nodeId)
      if (!pk.ok || !(await verifier.verify(pk.value, signingBytes(network, r.nodeId, r.at), r.sig)))
        return 'bad_signature'
      book.set(r.nodeId, { nodeId: r.nodeId, at: r.at, seenAt: t })
      return 'kept'
    },
    pending: (trusted: ReadonlySet<NodeId>): PendingRequest[] =>
      [...book.values()]
        .filter((r) => !trusted.has(r.nodeId) && now() - r.seenAt <= REQUEST_MAX_AGE_MS)
        .map(({ nodeId, at }) => ({ nodeId, at })),
    has: (node: NodeId) => book.has(node),
    remove: (node: NodeId) => book.delete(node),
  }
}

export type RequestBook = ReturnType<typeof createRequestBook>
