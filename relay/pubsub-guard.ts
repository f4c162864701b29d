// When gossipsub cannot read a peer's stream (a frame over the size limit, a broken encoding)
// it drops the peer from pubsub but leaves the libp2p connection open: the peer would stay
// connected and silently unheard. The relay hangs up instead, so the peer sees a disconnect,
// redials and gets fresh streams; an honest client that keeps to the topic limits never
// triggers this.
import type { Libp2p, PeerId } from '@libp2p/interface'

type ReadErrorHandler = (err: unknown, peerId: PeerId) => void

/** Returns false if this gossipsub version has no such hook (then nothing is changed). */
export const hangUpOnBrokenPubsubStream = (
  pubsub: object,
  node: Pick<Libp2p, 'hangUp'>,
  log: (line: string) => void,
): boolean => {
  const target = pubsub as { handlePeerReadStreamError?: ReadErrorHandler }
  const original = target.handlePeerReadStreamError
  if (typeof original !== 'function') return false
  target.handlePeerReadStreamError = (err, peerId) => {
    original.call(pubsub, err, peerId)
    log(`relay pubsub stream-error peer=${peerId} error=${JSON.stringify(String(err))} action=hang-up`)
    node.hangUp(peerId).catch(() => undefined)
  }
  return true
}
