// How a libp2p connection reaches its peer, in the peer table's words.
import type { Connection } from '@libp2p/interface'
import type { Transport } from '../../shared/net/peer-table.ts'

/** A direct WebRTC link's address ends in `/p2p-circuit/webrtc/...`; a relayed one has no `/webrtc`. */
export const transportOf = (c: Connection): Transport => {
  const s = c.remoteAddr.toString()
  if (s.includes('/webrtc')) return 'webrtc'
  if (s.includes('/p2p-circuit')) return 'relay'
  return 'websocket'
}
