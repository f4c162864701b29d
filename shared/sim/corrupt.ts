// Garbage for the Byzantine 'garbage' behaviour: a node's real message with a byte flipped in
// its second half (where the signature and values lie), or replaced by random bytes of the
// same length. Receivers must reject both, counted, without throwing.
import type { Gossip } from './herder-node.ts'
import type { SimNodeHost } from './node-host.ts'

export const corruptGossip = (m: Gossip, host: SimNodeHost<Gossip>): Gossip => {
  if (host.rng.int(2) === 0) return { kind: m.kind, bytes: host.rng.bytes(m.bytes.length) }
  const bytes = m.bytes.slice()
  const at = Math.floor(bytes.length / 2) + host.rng.int(Math.max(1, Math.ceil(bytes.length / 2)))
  if (at < bytes.length) bytes[at] = bytes[at]! ^ (1 + host.rng.int(255))
  return { kind: m.kind, bytes }
}
