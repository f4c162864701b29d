// The consensus node itself: gossip bytes handed to `receive` of a real ConsensusNode, the path
// every message from the network takes in the core. A fresh watcher per input (three validators,
// genesis state), so each input replays alone; its timers never fire and what it publishes is
// dropped. `receive` must resolve: a rejection or an unhandled one is a crash.
import * as fc from 'fast-check'
import { addressOf } from '../../../shared/crypto/address.ts'
import {
  type ConsensusNode,
  createConsensusNode,
  type GossipKind,
} from '../../../shared/node/consensus-node.ts'
import type { NodeId } from '../../../shared/scp/index.ts'
import type { Target } from '../target.ts'
import { env, genesis, NETWORK_ID, QSET, verifier, WATCHER } from './fixtures.ts'
import { catchup, gossipCbor, scpMessage, tx } from './gossip.ts'

const NOW = env.config.genesisTimeMs + 500
/** Counters the node keeps for input it dropped. */
const DROPS = /malformed|invalid|rejected/

/** One watcher over the fixture network; the adapter the harness needs from the node's API. */
export const freshNode = (): ConsensusNode =>
  createConsensusNode(
    {
      env,
      networkId: NETWORK_ID,
      nodeId: addressOf(WATCHER.pk) as string as NodeId,
      quorumSet: QSET,
      isValidator: false,
      state: genesis,
    },
    {
      now: () => NOW,
      setTimer: () => () => {},
      publish: () => {},
      signer: WATCHER.signer,
      verifier,
      commit: async () => {},
    },
  )

const nodeTarget = (kind: GossipKind, like: Target<Uint8Array>): Target<Uint8Array> => ({
  name: `node-${kind}`,
  about: `a real consensus node's receive('${kind}', bytes), seeded like ${like.name}`,
  kind: 'bytes',
  cbor: true,
  ...(like.vocabulary ? { vocabulary: like.vocabulary } : {}),
  seeds: like.seeds,
  arbitrary: fc.oneof(like.arbitrary, gossipCbor),
  run: async (bytes) => {
    const node = freshNode()
    await node.receive(kind, bytes)
    await node.settled()
    const s = node.status()
    const dropped = Object.keys(s.counters).some((k) => DROPS.test(k))
    return { ok: !dropped && (kind !== 'tx' || s.mempool > 0) }
  },
  weight: 0.5,
})

export const nodeTargets: readonly Target[] = [
  nodeTarget('scp', scpMessage),
  nodeTarget('ledger', catchup),
  nodeTarget('tx', tx),
]
