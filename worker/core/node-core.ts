// The node core: one per browser profile, living in the SharedWorker. It owns the identity,
// the peer table and the gossip logic, talks to tabs over RPC and to the network through the
// host bridge. Later subsystems (ledger, SCP, mining, storage) plug in through `topics` and
// `rpc`. Created by a factory with explicit start/stop, js-libp2p style.
import { decodeHeartbeat, encodeHeartbeat, type NodeRole } from '../../shared/net/heartbeat.ts'
import type { PeerIdString } from '../../shared/net/peer-id.ts'
import { createPeerTable, type PeerTable } from '../../shared/net/peer-table.ts'
import { allTopics, MAX_TOPIC_MESSAGE_BYTES, type TopicKind, topicFor } from '../../shared/net/topics.ts'
import type { Verifier } from '../../shared/crypto/signer.ts'
import type { RpcRegistry } from '../rpc/server.ts'
import type { Bootstrap } from './bootstrap.ts'
import type { CoreEvents, CoreMethods } from './core-api.ts'
import { createCoreStreams, type InboundHandler, type StreamAnswer } from './core-streams.ts'
import type { HostBridge } from './host-bridge.ts'
import type { HostToCore } from './host-protocol.ts'
import type { NodeIdentity } from './identity.ts'
import { createDropCounters } from './drop-counters.ts'
import type { NodeSnapshot } from './snapshot.ts'

export interface NodeCoreInit {
  version: string
  heartbeatMs?: number
  maxDirectPeers?: number
}

export interface NodeCoreComponents {
  rpc: RpcRegistry<CoreMethods, CoreEvents>
  host: HostBridge
  verifier: Verifier
  /** Resolves once the first tab has booted the core (boot-gate.ts). */
  identity: () => Promise<NodeIdentity>
  bootstrap: () => Promise<Bootstrap | undefined>
  now: () => number
  capabilities: Record<string, boolean>
}

/** `from`: the message's signed author; `via`: the peer whose connection delivered it. */
export type TopicHandler = (data: Uint8Array, from: string, via: string) => void

export const createNodeCore = (init: NodeCoreInit, c: NodeCoreComponents) => {
  const heartbeatMs = init.heartbeatMs ?? 2000
  const maxDirect = init.maxDirectPeers ?? 16
  let identity: NodeIdentity | undefined
  let boot: Bootstrap | undefined
  let peers: PeerTable | undefined
  let relays = 0
  let listenAddrs: string[] = []
  let heartbeatsSent = 0
  let role: NodeRole = 'watcher'
  let ledgerSeq = 0
  const drops = createDropCounters()
  const streams = createCoreStreams((m) => c.host.send(m))
  const topicHandlers = new Map<string, TopicHandler[]>()
  const statusSources = new Map<string, () => unknown>()
  const timers: Array<ReturnType<typeof setInterval>> = []
  let snapshotQueued = false

  const status = (): NodeSnapshot['status'] =>
    !identity
      ? 'starting'
      : !boot
        ? 'offline'
        : !c.host.hasHost()
          ? 'connecting'
          : relays > 0
            ? 'online'
            : 'connecting'

  const snapshot = (): NodeSnapshot => {
    const now = c.now()
    const list = (peers?.list() ?? []).map((p) => ({
      peerId: p.peerId,
      transport: p.transport,
      role: p.role,
      ledgerSeq: p.ledgerSeq,
      heartbeats: p.heartbeats,
      lastHeardMs: now - p.lastHeard,
    }))
    return {
      version: init.version,
      peerId: identity?.peerId ?? '',
      network: boot?.network ?? '',
      status: status(),
      hosted: c.host.hasHost(),
      relays,
      listenAddrs,
      peers: list,
      peerCount: list.filter((p) => p.transport !== undefined).length,
      heartbeatsSent,
      drops: drops.snapshot(),
      host: c.host.stats(),
      capabilities: c.capabilities,
      services: Object.fromEntries([...statusSources].map(([name, f]) => [name, f()])),
    }
  }

  const changed = () => {
    if (snapshotQueued) return
    snapshotQueued = true
    queueMicrotask(() => {
      snapshotQueued = false
      c.rpc.broadcast('snapshot', snapshot())
    })
  }

  const onHeartbeat: TopicHandler = async (data) => {
    if (!boot || !peers) return
    const r = await decodeHeartbeat(data, boot.network, c.verifier)
    if (!r.ok) {
      drops.count('heartbeat', r.error.code)
      return
    }
    if (!peers.heard(r.value.peer, r.value, c.now())) drops.count('heartbeat', 'replayed')
    changed()
  }

  const onHost = (msg: HostToCore) => {
    if (streams.onHost(msg) || !peers) return
    switch (msg.type) {
      case 'started':
      case 'addrs':
        listenAddrs = msg.listenAddrs
        break
      case 'connections':
        relays = msg.relays
        peers.setConnections(
          msg.conns.map((x) => ({ peerId: x.peerId as PeerIdString, transports: x.transports })),
          c.now(),
        )
        break
      case 'message': {
        const kind = boot ? allTopics(boot.network).indexOf(msg.topic) : -1
        if (kind < 0) return drops.count('unknown-topic', 'dropped')
        const k = msg.topic.split('/')[2] as TopicKind
        if (msg.data.length > MAX_TOPIC_MESSAGE_BYTES[k]) return drops.count(k, 'oversized')
        for (const h of topicHandlers.get(msg.topic) ?? []) h(msg.data, msg.from, msg.via)
        return
      }
      default:
        return
    }
    changed()
  }

  const sendHeartbeat = async () => {
    if (!identity || !boot || !c.host.hasHost()) return
    const data = await encodeHeartbeat(
      {
        type: 'heartbeat',
        v: 1,
        network: boot.network,
        peer: identity.peerId,
        seq: c.now(),
        addrs: listenAddrs.filter((a) => a.includes('/webrtc')).slice(0, 8),
        role,
        ledgerSeq,
      },
      identity.signer,
    )
    c.host.send({ type: 'publish', topic: topicFor(boot.network, 'heartbeat'), data })
    heartbeatsSent++
  }

  const maintain = () => {
    c.host.check()
    if (!peers) return
    const now = c.now()
    peers.prune(now)
    // the lower peer id dials so that two nodes do not race two WebRTC links at each other,
    // unless the other side has not managed for a while
    for (const p of peers.dialCandidates(now, maxDirect)) {
      if (identity && p.peerId > identity.peerId && p.dialAttempts === 0 && now - p.lastHeard < 10_000)
        continue
      peers.markDialed(p.peerId, now)
      c.host.send({
        type: 'dial',
        peerId: p.peerId,
        addrs: p.addrs.filter((a) => a.includes('/webrtc')) as string[],
      })
    }
    changed()
  }

  const startHosting = (port: MessagePort) => {
    if (!identity || !boot) {
      port.close()
      return
    }
    c.host.attach(port, {
      type: 'start',
      privateKey: identity.privateKeyBytes,
      relays: boot.relays,
      topics: allTopics(boot.network),
      network: boot.network,
      iceServers: boot.iceServers,
    })
    streams.resend()
    changed()
  }

  return {
    async start() {
      c.rpc.register('snapshot', () => snapshot())
      c.host.onEvent(onHost)
      identity = await c.identity()
      peers = createPeerTable(identity.peerId)
      // the node works offline too: keep asking for the bootstrap document until it comes
      for (let attempt = 0; !boot; attempt++) {
        boot = await c.bootstrap()
        if (!boot) await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)))
      }
      this.onTopic('heartbeat', onHeartbeat)
      timers.push(setInterval(() => void sendHeartbeat(), heartbeatMs))
      timers.push(setInterval(maintain, 1000))
      changed()
    },
    stop() {
      for (const t of timers) clearInterval(t)
    },
    /** A tab that won the host election hands its port here. */
    attachHost(port: MessagePort) {
      if (identity && boot) startHosting(port)
      else void this.whenReady().then(() => startHosting(port))
    },
    /** Identity and bootstrap, once `start` has resolved. */
    ready() {
      if (!identity || !boot) throw new Error('core not started')
      return { identity, bootstrap: boot }
    },
    async whenReady() {
      while (!identity || !boot) await new Promise((r) => setTimeout(r, 100))
    },
    onTopic(kind: TopicKind, handler: TopicHandler) {
      if (!boot) throw new Error('onTopic before bootstrap')
      const topic = topicFor(boot.network, kind)
      topicHandlers.set(topic, [...(topicHandlers.get(topic) ?? []), handler])
    },
    publish(kind: TopicKind, data: Uint8Array) {
      if (boot) c.host.send({ type: 'publish', topic: topicFor(boot.network, kind), data })
    },
    /** One request to a peer over a direct link (worker/core/core-streams.ts). */
    request(peerId: string, protocol: string, data: Uint8Array): Promise<StreamAnswer> {
      const addrs = peers?.get(peerId as PeerIdString)?.addrs.filter((a) => a.includes('/webrtc')) ?? []
      return streams.request(peerId, addrs, protocol, data)
    },
    handle(protocol: string, handler: InboundHandler) {
      streams.handle(protocol, handler)
    },
    /** A service's live status, included in every snapshot under its name. */
    addStatus(name: string, source: () => unknown) {
      statusSources.set(name, source)
    },
    setRole(r: NodeRole) {
      role = r
    },
    setLedgerSeq(s: number) {
      ledgerSeq = s
    },
    snapshot,
    changed,
  }
}

export type NodeCore = ReturnType<typeof createNodeCore>
