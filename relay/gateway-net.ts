// The gateway's network port over the relay's libp2p node: the peers it may ask are those with an
// open, unlimited (not relayed) connection whose identify says they speak `/watt/retrieve/1`
// (browsers' host tabs do, worker/host/host-streams.ts); a request is one stream on that
// connection, the request and the answer each one length-prefixed message, as the host frames them.
// The relay never dials for the gateway: it asks only peers already connected to it.
import type { Connection, PeerId } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { RelayNode } from './p2p.ts'
import type { GatewayNet } from './gateway-peers.ts'
import { MAX_ANSWER_BYTES, RETRIEVE_PROTOCOL } from '../worker/retrieval/retrieve-wire.ts'

const usable = (c: Connection) => c.status === 'open' && c.limits === undefined

const speaks = async (node: RelayNode, peer: PeerId): Promise<boolean> => {
  const p = await node.peerStore.get(peer).catch(() => undefined)
  return p?.protocols.includes(RETRIEVE_PROTOCOL) ?? false
}

export const libp2pGatewayNet = (node: RelayNode, maxPeers: number): GatewayNet => ({
  async peers() {
    const out: string[] = []
    for (const c of node.getConnections().filter(usable)) {
      const id = c.remotePeer.toString()
      if (out.length >= maxPeers) break
      if (!out.includes(id) && (await speaks(node, c.remotePeer))) out.push(id)
    }
    return out
  },
  async request(peer, data, signal) {
    const conn = node.getConnections().find((c) => usable(c) && c.remotePeer.toString() === peer)
    if (!conn) throw new Error('no_connection')
    const stream = await conn.newStream(RETRIEVE_PROTOCOL, { signal })
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_ANSWER_BYTES })
      await lp.write(data, { signal })
      const answer = await lp.read({ signal })
      await stream.close({ signal }).catch(() => {})
      return answer.subarray()
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)))
      throw e
    }
  },
})
