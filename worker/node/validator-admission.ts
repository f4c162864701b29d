// Both ends of "a watcher asks to become a validator" in the ledger service. The asking node
// turns validator at once (voting is its own choice) with the quorum set it already follows plus
// itself,
// and re-floods its signed request every 10 s until some node announces a quorum set that
// includes it. A validator keeps verified requests for its operator (shared/node/validator-
// request.ts); admitting one adds it to the quorum set with a two-thirds threshold, but only if
// the quorum analysis of the network this node sees still finds intersecting quorums.
import type { Signer, Verifier } from '../../shared/crypto/signer.ts'
import { encodeMessage } from '../../shared/node/messages.ts'
import {
  admitToQuorumSet,
  createRequestBook,
  makeValidatorRequest,
  type PendingRequest,
  type ValidatorRequest,
} from '../../shared/node/validator-request.ts'
import { type NodeId, type QuorumSet, quorumSetNodes } from '../../shared/scp/index.ts'
import { fail } from '../../shared/util/errors.ts'

const REPUBLISH_MS = 10_000

export interface AdmissionDeps {
  readonly network: string
  readonly nodeId: NodeId
  readonly signer: Signer
  readonly verifier: Verifier
  readonly autoAdmit: boolean
  now(): number
  publishScp(data: Uint8Array): void
  quorumSet(): QuorumSet
  /** The latest quorum set each node announced. */
  knownQuorumSets(): ReadonlyMap<NodeId, QuorumSet>
  /** The health text of the network seen with this node's set replaced by `q`. */
  analyze(q: QuorumSet): string
  /** Saves `q` as this node's quorum set and restarts consensus with it. */
  applyQuorumSet(q: QuorumSet): Promise<void>
  /** Saves the validator role and restarts consensus as a validator. */
  becomeValidator(): Promise<void>
  log(line: string): void
}

export type RequestState = 'none' | 'requested' | 'admitted'

export const createAdmission = (d: AdmissionDeps, asked: boolean) => {
  const book = createRequestBook(d.network, d.verifier, d.now)
  let requested = asked
  let timer: ReturnType<typeof setTimeout> | undefined
  let admitting: Promise<unknown> = Promise.resolve()
  const trusted = () => quorumSetNodes(d.quorumSet())
  /** Nodes other than this one that announced a quorum set including it. */
  const trustedBy = () =>
    [...d.knownQuorumSets()].filter(([n, q]) => n !== d.nodeId && quorumSetNodes(q).has(d.nodeId)).length

  const publish = async () => {
    timer = undefined
    if (!requested || trustedBy() > 0) return
    d.publishScp(encodeMessage(await makeValidatorRequest(d.signer, d.network, d.nodeId, d.now())))
    timer = setTimeout(() => void publish(), REPUBLISH_MS)
  }

  const admit = async (node: NodeId): Promise<QuorumSet> => {
    const proposal = admitToQuorumSet(d.quorumSet(), node)
    const health = d.analyze(proposal)
    if (!health.startsWith('intersecting')) fail('quorum_at_risk', { node, health })
    await d.applyQuorumSet(proposal)
    book.remove(node)
    d.log(`admitted validator ${node}: threshold ${proposal.threshold} of ${proposal.validators.length}`)
    return proposal
  }

  if (requested) void publish()
  return {
    /** The watcher's button: become a validator and ask the network to trust this node. */
    async request(): Promise<RequestState> {
      if (!requested) {
        requested = true
        await d.becomeValidator()
      }
      if (!timer) await publish()
      return this.view().request
    },
    /** A request heard on gossip. */
    async onRequest(r: ValidatorRequest): Promise<void> {
      const outcome = await book.receive(r, trusted())
      if (outcome !== 'kept' || !d.autoAdmit) return
      admitting = admitting
        .then(() => admit(r.nodeId))
        .catch((e) => d.log(`auto-admit refused: ${String(e)}`))
    },
    /** The operator admits a pending request (serialized with automatic admissions). */
    async admit(node: NodeId): Promise<QuorumSet> {
      if (!book.has(node)) fail('unknown_request', { node })
      const done = admitting.then(() => admit(node))
      admitting = done.catch(() => {})
      return done
    },
    view: (): { request: RequestState; trustedBy: number; pending: PendingRequest[] } => {
      const by = trustedBy()
      return {
        request: !requested ? 'none' : by > 0 ? 'admitted' : 'requested',
        trustedBy: by,
        pending: book.pending(trusted()),
      }
    },
    stop() {
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
}

export type Admission = ReturnType<typeof createAdmission>
