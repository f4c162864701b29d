// The `ledger` core service: loads the network's genesis, opens the IndexedDB ledger store,
// runs the consensus node (validator if its node key is named in genesis, watcher otherwise)
// over the core's gossip, and serves the LedgerNodeApi to the wallet, mining and storage
// services plus the ledger/quorum RPC methods to the tabs.
import { cidString } from '../../shared/codec/dag-cbor.ts'
import { addressOf, parseAddress } from '../../shared/crypto/address.ts'
import {
  GENESIS_TX_SET,
  genesisState,
  getAccount,
  headerCid,
  type LedgerEnv,
  type LedgerState,
  ledgerRecordOf,
  stateFromLoaded,
  validatorSetAt,
} from '../../shared/ledger/index.ts'
import { createConsensusNode, type ConsensusNode, type GossipKind } from '../../shared/node/consensus-node.ts'
import { genesisFromJson, type GenesisDocument } from '../../shared/node/genesis-document.ts'
import { networkEnv } from '../../shared/node/protocol.ts'
import { admitToQuorumSet } from '../../shared/node/validator-request.ts'
import { analyzeQuorumHealth, type QuorumHealth } from '../../shared/quorum/health.ts'
import type { NodeId, QuorumSet } from '../../shared/scp/index.ts'
import { utf8 } from '../../shared/util/bytes.ts'
import { fail } from '../../shared/util/errors.ts'
import type { ServiceComponents } from '../core/service.ts'
import type { NoTable } from '../rpc/table.ts'
import type { LedgerMethods } from './ledger-api.ts'
import { ledgerDbName, openIdbLedgerStore } from '../ledger/idb-store.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from './ledger-node-api.ts'
import { openNodeHistory } from './node-history.ts'
import { loadAutoAdmit, loadQuorumSet, loadRole, saveQuorumSet, saveRole } from './quorum-config.ts'
import { createRateLimiter } from '../../shared/util/rate-limit.ts'
import { type Admission, createAdmission, type RequestState } from './validator-admission.ts'

/** `intersecting` or `at risk: ...`, the text the Node screen shows. */
export const healthText = (h: QuorumHealth): string =>
  h.intersecting && !h.atRisk
    ? 'intersecting'
    : h.intersecting
      ? `intersecting; at risk: ${h.atRisk}`
      : `at risk: ${h.atRisk ?? 'no intersection'}`

const HEALTH_EVERY_MS = 5_000

export interface LedgerStatusView {
  seq: number
  hash: string
  closeMs: number | undefined
  phase: string
  role: 'validator' | 'watcher'
  nodeId: string
  quorumSet: QuorumSet
  quorumHealth: string
  mempool: number
  feePool: string
  counters: Record<string, number>
  /** Nodes whose EXTERNALIZE of the previous ledger this node holds. */
  externalizedBy: string[]
  /** This node's own request to become a validator, and how many nodes trust it so far. */
  validatorRequest: RequestState
  trustedBy: number
  /** Requests from other nodes that this node's operator may admit. */
  validatorRequests: Array<{ nodeId: string; at: number }>
}

const fetchGenesis = async (origin: string): Promise<GenesisDocument> => {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(new URL('/genesis', origin), { cache: 'no-store' })
      if (res.ok) {
        const doc = genesisFromJson(await res.json())
        if (!doc.ok) fail(doc.error.code, doc.error)
        else return doc.value
      }
    } catch (e) {
      if ((e as { name?: string }).name === 'WattFailure') throw e
    }
    await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)))
  }
}

export const ledgerService = (c: ServiceComponents<NoTable, LedgerMethods>): LedgerNodeApi => {
  let doc: GenesisDocument
  let env: LedgerEnv
  let node: ConsensusNode
  let quorumSet: QuorumSet
  let askedToValidate = false
  let admission: Admission
  let durable: ReturnType<typeof openNodeHistory>
  const listeners = new Set<(e: ClosedLedgerEvent) => void>()
  const store = () => openIdbLedgerStore(ledgerDbName(doc.config.networkId))
  let storeP: ReturnType<typeof store>
  const nodeId = addressOf(c.identity.signer.publicKey) as string as NodeId
  const limiter = createRateLimiter(200, 400, c.now)

  const loadState = async (): Promise<LedgerState> => {
    const s = await storeP
    const last = await s.loadLast()
    if (last) {
      const st = stateFromLoaded(last)
      if (!st.ok) fail(st.error.code, st.error)
      else return st.value
    }
    const g = genesisState(doc.config, env.protocol)
    await s.commit({ header: g.state.header, txSet: GENESIS_TX_SET, results: [], changes: g.changes })
    return g.state
  }

  const startNode = async (state: LedgerState) => {
    const isValidator = askedToValidate || validatorSetAt(state).includes(nodeId as never)
    const { history, own } = await durable
    node = createConsensusNode(
      {
        env,
        networkId: utf8(doc.config.networkId),
        nodeId,
        quorumSet,
        isValidator,
        state,
      },
      {
        now: c.now,
        setTimer: (ms, cb) => {
          const t = setTimeout(cb, ms)
          return () => clearTimeout(t)
        },
        publish: (kind, data) => c.core.publish(kind, data),
        signer: c.identity.signer,
        verifier: c.verifier,
        // the record keeps the agreed facts the ledger was applied with, for replays (docs/ledger.md)
        commit: async (closed, set) => (await storeP).commit(ledgerRecordOf(closed, set)),
        log: (l) => console.warn(l),
        history,
        ownEnvelopes: own,
        onValidatorRequest: (r) => void admission.onRequest(r),
      },
    )
    node.onClosed((e) => {
      c.core.setLedgerSeq(e.closed.header.seq)
      const event: ClosedLedgerEvent = {
        seq: e.closed.header.seq,
        hash: e.hash,
        header: e.closed.header,
        txSet: e.set,
        results: e.closed.results,
        state: e.closed.state,
        info: e.closed.info,
      }
      for (const l of listeners) l(event)
      c.core.changed()
    })
    c.core.setRole(isValidator ? 'validator' : 'watcher')
    await node.start()
  }

  /** Consensus restarts with the current quorum set and role, from the last committed ledger. */
  let restarting: Promise<void> = Promise.resolve()
  const restartNode = (): Promise<void> => {
    // serialized: two overlapping restarts must not leave a second node running
    const done = restarting.then(async () => {
      const old = node
      old.stop()
      await old.settled()
      health = { text: 'checking', at: 0 }
      await startNode(old.current())
    })
    restarting = done.catch(() => {})
    return done
  }

  const saveQuorum = async (q: QuorumSet) => {
    await saveQuorumSet(doc.config.networkId, q)
    quorumSet = q
    await restartNode()
  }

  let health = { text: 'checking', at: 0 }
  const analyze = (proposed: QuorumSet) => {
    const known = node.knownQuorumSets()
    known.set(nodeId, proposed)
    return healthText(analyzeQuorumHealth(known))
  }
  const currentHealth = () => {
    if (c.now() - health.at > HEALTH_EVERY_MS) health = { text: analyze(quorumSet), at: c.now() }
    return health.text
  }

  const status = (): LedgerStatusView | undefined => {
    if (!node) return undefined
    const s = node.status()
    return {
      ...s,
      closeMs: s.lastCloseMs,
      nodeId,
      quorumSet,
      quorumHealth: currentHealth(),
      feePool: String(node.current().header.feePool),
      ...(({ request, trustedBy, pending }) => ({
        validatorRequest: request,
        trustedBy,
        validatorRequests: pending,
      }))(admission.view()),
    }
  }

  const api: LedgerNodeApi = {
    name: 'ledger',
    async start() {
      doc = await fetchGenesis(c.origin)
      env = networkEnv(doc.config)
      if (doc.config.networkId !== c.bootstrap.network)
        fail('wrong_network', { genesis: doc.config.networkId, joined: c.bootstrap.network })
      storeP = store()
      const network = doc.config.networkId
      quorumSet = (await loadQuorumSet(network)) ?? doc.quorumSet
      askedToValidate = (await loadRole(network)) === 'validator'
      durable = openNodeHistory(network, storeP)
      admission = createAdmission(
        {
          network,
          nodeId,
          signer: c.identity.signer,
          verifier: c.verifier,
          autoAdmit: await loadAutoAdmit(),
          now: c.now,
          publishScp: (data) => c.core.publish('scp', data),
          quorumSet: () => quorumSet,
          knownQuorumSets: () => node.knownQuorumSets(),
          analyze,
          applyQuorumSet: saveQuorum,
          becomeValidator: async () => {
            // it keeps the quorum set it followed (the network's), itself included as validator
            quorumSet = admitToQuorumSet(quorumSet, nodeId)
            await saveQuorumSet(network, quorumSet)
            await saveRole(network, 'validator')
            askedToValidate = true
            await restartNode()
          },
          log: (l) => console.warn(l),
        },
        askedToValidate,
      )
      await startNode(await loadState())
      for (const kind of ['scp', 'ledger', 'tx'] as GossipKind[]) {
        c.core.onTopic(kind, (data, from, via) => {
          if (!limiter.allow(from)) return
          void node.receive(kind, data, via)
        })
      }
      c.core.addStatus('ledger', status)
      c.rpc.register('ledger.status', () => status())
      c.rpc.register('ledger.recent', (p) => api.recent(Math.min(50, p?.limit ?? 10)))
      c.rpc.register('ledger.submit', async ({ tx }) => {
        const r = await node.submit(tx)
        return r.ok ? r.value : fail(r.error.code, r.error)
      })
      c.rpc.register('ledger.account', ({ address }) => {
        const a = parseAddress(address)
        const entry = a.ok ? getAccount(node.current(), addressOf(a.value)) : fail(a.error.code, a.error)
        return entry ? { balance: String(entry.balance), seq: String(entry.seq) } : null
      })
      c.rpc.register('quorum.get', () => ({ quorumSet, nodeId, validators: validatorSetAt(node.current()) }))
      c.rpc.register('quorum.analyze', (p) => ({ health: analyze(p.quorumSet) }))
      c.rpc.register('quorum.set', async (p) => {
        await saveQuorum(p.quorumSet)
        return { quorumSet }
      })
      c.rpc.register('validator.request', async () => ({ request: await admission.request() }))
      c.rpc.register('validator.admit', async ({ nodeId }) => ({
        quorumSet: await admission.admit(nodeId as NodeId),
      }))
    },
    stop() {
      admission?.stop()
      node?.stop()
    },
    current() {
      const state = node.current()
      return { state, hash: cidString(state.headerCid), header: state.header }
    },
    env: () => env,
    genesis: () => doc.config,
    faucetSecret: () => doc.faucetSecret,
    submit: (bytes) => node.submit(bytes),
    nextSeq(source) {
      let seq = getAccount(node.current(), source)?.seq ?? 0n
      for (const t of node.pendingTxs()) if (t.source === source && t.tx.body.seq > seq) seq = t.tx.body.seq
      return seq + 1n
    },
    onClosed(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    async recent(limit) {
      const s = await storeP
      const headers = await s.recentHeaders(limit)
      return Promise.all(
        headers.map(async (h) => ({
          seq: h.seq,
          hash: cidString(headerCid(h)),
          closeTimeMs: h.closeTimeMs,
          txCount: (await s.ledger(h.seq))?.txSet.txs.length ?? 0,
          feePool: String(h.feePool),
        })),
      )
    },
  }
  return api
}
