// A seeded in-memory network of consensus nodes for Node tests: real SCP, real ledger, real
// signatures (Node's native Ed25519, for speed), gossip delivered after a random 5-45 ms under a virtual clock. Nodes can be
// disconnected (they neither send nor hear), replaced (a restart over the same stores) or added.
import { cidString } from '../../codec/dag-cbor.ts'
import { addressOf } from '../../crypto/address.ts'
import type { Signer } from '../../crypto/signer.ts'
import { nodeSigner, nodeVerifier } from '../../ledger/test/node-ed25519.ts'
import {
  type AnyModule,
  genesisState,
  type LedgerState,
  makeGenesisConfig,
  watt,
} from '../../ledger/index.ts'
import { twoThirds } from '../../quorum/threshold.ts'
import type { NodeId, QuorumSet } from '../../scp/index.ts'
import { VirtualClock } from '../../scp/test/virtual-clock.ts'
import { utf8 } from '../../util/bytes.ts'
import { createRng } from '../../util/prng.ts'
import {
  type ConsensusNode,
  type ConsensusNodeInit,
  type ConsensusNodePorts,
  createConsensusNode,
  type GossipKind,
} from '../consensus-node.ts'
import { networkEnv } from '../protocol.ts'

export interface NodeOptions {
  readonly signer?: Signer
  readonly isValidator?: boolean
  readonly quorumSet?: QuorumSet
  readonly state?: LedgerState
  readonly init?: Partial<ConsensusNodeInit>
  readonly ports?: Partial<ConsensusNodePorts>
  /** Sees everything the node publishes. */
  readonly tap?: (kind: GossipKind, data: Uint8Array) => void
}

export interface NetOptions {
  /** The protocol's modules (default: the network's list). */
  readonly modules?: readonly AnyModule[]
  /** Genesis `params`, by module. */
  readonly params?: Readonly<Record<string, unknown>>
}

export const createTestNet = (validatorCount: number, seed: number, net: NetOptions = {}) => {
  const rng = createRng(seed)
  const keys = Array.from({ length: validatorCount }, () => nodeSigner(rng.bytes(32)))
  const faucet = nodeSigner(rng.bytes(32))
  const ids = keys.map((k) => addressOf(k.publicKey) as string as NodeId)
  const config = makeGenesisConfig({
    networkId: 'test',
    genesisTimeMs: 1_000_000,
    reserveAddress: addressOf(rng.bytes(32)),
    validators: ids as never,
    closeIntervalMs: 1000,
    dayLengthMs: 3_600_000,
    faucet: { address: addressOf(faucet.publicKey), amount: watt(1000n) },
    ...(net.params ? { params: net.params } : {}),
  })
  const env = networkEnv(config, net.modules)
  const quorumSet: QuorumSet = { threshold: twoThirds(validatorCount), validators: ids, innerSets: [] }
  const clock = new VirtualClock()
  clock.now = config.genesisTimeMs
  const nodes: Array<ConsensusNode | undefined> = []
  const offline = new Set<number>()
  /** Per node slot: every committed ledger's header hash by seq. */
  const hashes: Array<Map<number, string>> = []

  /** Every node is linked to every other: the source a node hears a message from is its sender. */
  const deliverFrom = (source: string, from: number, kind: GossipKind, data: Uint8Array) => {
    if (offline.has(from)) return
    nodes.forEach((n, i) => {
      if (n && i !== from && !offline.has(i))
        clock.schedule(5 + rng.int(40), () => (nodes[i] === n ? n.receive(kind, data, source) : undefined))
    })
  }
  const deliver = (from: number, kind: GossipKind, data: Uint8Array) =>
    deliverFrom(`node-${from}`, from, kind, data)

  const makeNode = (i: number, o: NodeOptions = {}): ConsensusNode => {
    const signer = o.signer ?? keys[i]!
    hashes[i] ??= new Map()
    const seen = hashes[i]!
    const node = createConsensusNode(
      {
        env,
        networkId: utf8('test'),
        nodeId: addressOf(signer.publicKey) as string as NodeId,
        quorumSet: o.quorumSet ?? quorumSet,
        isValidator: o.isValidator ?? true,
        state: o.state ?? genesisState(config, env.protocol).state,
        ...o.init,
      },
      {
        now: () => clock.now,
        setTimer: (ms, cb) => {
          const id = clock.schedule(ms, cb)
          return () => clock.cancel(id)
        },
        publish: (kind, data) => {
          if (nodes[i] !== node) return
          o.tap?.(kind, data)
          deliver(i, kind, data)
        },
        signer,
        verifier: nodeVerifier,
        commit: async (closed) => {
          seen.set(closed.header.seq, cidString(closed.headerCid))
        },
        ...o.ports,
      },
    )
    nodes[i] = node
    return node
  }

  const run = async (ms: number) => {
    const until = clock.now + ms
    while (await clock.step(until)) {}
    clock.now = until
  }

  const seqs = () => nodes.map((n) => n?.current().header.seq ?? 0)

  /** Fails when two nodes committed different headers for the same seq. */
  const agreeOnEveryLedger = (): string | undefined => {
    const top = Math.max(...hashes.map((m) => Math.max(0, ...m.keys())))
    for (let s = 2; s <= top; s++) {
      const h = new Set(hashes.flatMap((m) => (m.has(s) ? [m.get(s)] : [])))
      if (h.size > 1) return `ledger ${s} differs: ${[...h].join(' ')}`
    }
    return undefined
  }

  return {
    rng,
    keys,
    ids,
    faucet,
    config,
    env,
    quorumSet,
    clock,
    nodes,
    offline,
    hashes,
    makeNode,
    /** Gossip from node `from` that no consensus node published (a service's message). */
    broadcast: deliver,
    /** Gossip from a peer outside the net (an attacker's connection named `source`). */
    broadcastFrom: (source: string, kind: GossipKind, data: Uint8Array) =>
      deliverFrom(source, -1, kind, data),
    run,
    seqs,
    agreeOnEveryLedger,
  }
}

export type TestNet = ReturnType<typeof createTestNet>
