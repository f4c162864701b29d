// A simulated validator is the real herder (shared/node/consensus-node.ts, the code the browser
// core runs) behind simulated ports: the virtual clock and its timers, the simulated network,
// an in-memory ledger store, durable history and own-envelope record that survive a crash, and a signer port
// (real Ed25519 or the fast deterministic stand-in of sim-crypto.ts). Tx sets, catch-up and
// signatures all travel and get checked as they do between browsers. Gossip is routed along the
// trust graph instead of flooded: envelopes and tx sets go to the nodes that need this node's
// statements, requests go to the nodes this node needs, answers back down.
import { MAX_TOPIC_MESSAGE_BYTES } from '../net/topics.ts'
import { cidString } from '../codec/dag-cbor.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'
import type { ClosedLedger, LedgerEnv } from '../ledger/apply.ts'
import { createMemoryLedgerStore } from '../ledger/memory-store.ts'
import { type LedgerState, totalSupply } from '../ledger/state.ts'
import { type LedgerRecord, ledgerRecordOf, stateFromLoaded } from '../ledger/store.ts'
import type { CheckedTxSet } from '../ledger/tx-set.ts'
import { type ConsensusNode, createConsensusNode, type GossipKind } from '../node/consensus-node.ts'
import { BoundedMap } from '../node/bounded-map.ts'
import { type ArchivedLedger, decodeLedgerMessage, decodeScpMessage } from '../node/messages.ts'
import type { SavedEnvelopes } from '../node/own-envelopes.ts'
import type { NodeId, QuorumSet, TimeoutParams } from '../scp/index.ts'
import { toHex } from '../util/bytes.ts'
import type { DayRecorder } from './day-recorder.ts'
import type { SimNodeFactory } from './node-host.ts'

/** One gossip message on the simulated network; receivers share the sender's bytes. */
export interface Gossip {
  readonly kind: GossipKind
  readonly bytes: Uint8Array
}

/** Everything the nodes of one run share. */
export interface HerderWorld {
  readonly env: LedgerEnv
  readonly genesis: LedgerState
  readonly genesisRecord: LedgerRecord
  readonly networkId: Uint8Array
  readonly nodeIds: readonly NodeId[]
  readonly signers: readonly Signer[]
  readonly verifier: Verifier
  readonly quorumSets: readonly QuorumSet[]
  /** dependencies[i]: the nodes in node i's quorum closure (whose statements it needs). */
  readonly dependencies: readonly (readonly number[])[]
  readonly timeouts: TimeoutParams
  /** How often validators re-send their latest envelopes. */
  readonly rebroadcastMs: number
  /** The node whose closes feed the workload and the day recorder, and whose supply is audited. */
  readonly referenceNode: number
  readonly days: DayRecorder | undefined
  readonly reference: { state: LedgerState }
  /** A reference-node close: the workloads learn what applied. */
  readonly observe: (closed: ClosedLedger, nowMs: number) => void
  /** The running herder of each node that takes the workload's transactions, by index. */
  readonly mempools: Map<number, ConsensusNode>
}

/** Closed ledgers each node's store keeps (state is whole), and archived in memory for peers. */
const RETAIN_LEDGERS = 16
const ARCHIVE_LEDGERS = 64
const HISTORY_LEDGERS = 256

/** Requests go up the trust graph; statements, sets and answers go down to who needs them. */
const isRequest = (m: Gossip): boolean =>
  m.kind === 'scp'
    ? decodeScpMessage(m.bytes)?.type === 'txset-req'
    : m.kind === 'ledger' && decodeLedgerMessage(m.bytes)?.type === 'catchup-req'

export const herderNodeFactory =
  (world: HerderWorld): SimNodeFactory<Gossip> =>
  (host, variant) => {
    const index = host.index
    const config = world.env.config
    const store = createMemoryLedgerStore(RETAIN_LEDGERS)
    let saved: SavedEnvelopes | undefined
    // durable history, as the browser keeps in IndexedDB: it survives a crash
    const history = new BoundedMap<number, ArchivedLedger>(HISTORY_LEDGERS)
    let writes: Promise<void> = store.commit(world.genesisRecord)
    let node: ConsensusNode | undefined
    // the second instance of an equivocating node prefers a later close time
    const skew = variant === 2 ? 1 : 0

    const publish = (kind: GossipKind, bytes: Uint8Array) => {
      // the network's topic limits, as every relay and peer enforces them (shared/net/topics.ts)
      if (bytes.length > MAX_TOPIC_MESSAGE_BYTES[kind]) return
      const m: Gossip = { kind, bytes }
      if (!isRequest(m)) return host.broadcast(m)
      for (const to of world.dependencies[index]!) if (to !== index) host.send(to, m)
    }

    const report = (closed: ClosedLedger, set: CheckedTxSet, prevHash: string) => {
      const { state, results } = closed
      const audit = index === world.referenceNode
      host.closed({
        seq: state.header.seq,
        hash: cidString(state.headerCid),
        prevHash,
        signers: closed.info.signers,
        applied: { state, txs: set.txs, results },
        ...(audit ? { supply: { totalCoins: config.supplyCap, accounted: totalSupply(state) } } : {}),
      })
    }

    const build = (state: LedgerState): ConsensusNode => {
      const n = createConsensusNode(
        {
          env: world.env,
          networkId: world.networkId,
          nodeId: world.nodeIds[index]!,
          quorumSet: world.quorumSets[index]!,
          isValidator: true,
          state,
          timeouts: world.timeouts,
          rebroadcastMs: world.rebroadcastMs,
          archiveLimit: ARCHIVE_LEDGERS,
        },
        {
          now: () => config.genesisTimeMs + host.now() + skew,
          setTimer: (ms, cb) => host.setTimer(ms, () => settle(cb)),
          publish,
          signer: world.signers[index]!,
          verifier: world.verifier,
          commit: async (closed, set) => {
            const prevHash = cidString(n.current().headerCid)
            writes = store.commit(ledgerRecordOf(closed, set))
            await writes
            report(closed, set, prevHash)
            if (index !== world.referenceNode) return
            world.reference.state = closed.state
            world.days?.closed(
              closed.header,
              cidString(closed.headerCid),
              set.txs.map((t) => t.id),
            )
            world.observe(closed, host.now())
          },
          history: {
            load: async (seq) => history.get(seq),
            save: async (l) => {
              history.set(l.seq, l)
            },
          },
          ownEnvelopes: {
            load: async () => saved,
            save: async (s) => {
              saved = s
            },
          },
          onExternalized: (slot, value) => host.externalized(slot, toHex(value)),
        },
      )
      return n
    }

    /** Every event runs to the end of what it set off (applies, signatures, emits). */
    const settle = async (run: () => unknown) => {
      await run()
      await node?.settled()
    }

    /** After a crash the ledger comes back from the store, checked against its state root. */
    const reload = async (): Promise<LedgerState> => {
      await writes
      const loaded = await store.loadLast()
      const st = loaded && stateFromLoaded(loaded)
      if (!st?.ok) throw new Error(`node ${index}: store did not reload`)
      return st.value
    }

    const boot = async (state: LedgerState) => {
      node = build(state)
      // an equivocator's second instance gets no transactions: it nominates empty sets
      if (variant !== 2) world.mempools.set(index, node)
      await settle(() => node!.start())
    }

    return {
      start: () => boot(world.genesis),
      receive: (from: number, m: Gossip) => settle(() => node?.receive(m.kind, m.bytes, `n${from}`)),
      crash: () => {
        node?.stop()
        world.mempools.delete(index)
        node = undefined
      },
      restart: async () => boot(await reload()),
    }
  }
