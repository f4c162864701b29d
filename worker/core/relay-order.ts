// Which relay the network host dials, in what order. /bootstrap lists every healthy relay of
// the network; the host needs one open relay connection (the relays gossip with each other),
// so it tries them in turn and remembers the one that answered: that one is tried first next
// time (after a restart too: worker/host/relay-memory.ts), the others in the listed order.
// A relay's several addresses (one per interface) share its peer id and are tried together.

/** The peer id a multiaddr ends with (`.../p2p/<id>`), if any. */
export const lastPeerId = (addr: string): string | undefined => /\/p2p\/([^/]+)$/.exec(addr)?.[1]

/** `relays` grouped by peer id (first appearance order), the remembered peer's group first. */
export const relayOrder = (relays: readonly string[], remembered: string | undefined): string[][] => {
  const groups = new Map<string, string[]>()
  for (const r of relays) {
    const id = lastPeerId(r) ?? r
    groups.set(id, [...(groups.get(id) ?? []), r])
  }
  const first = remembered === undefined ? undefined : groups.get(remembered)
  return first === undefined
    ? [...groups.values()]
    : [first, ...[...groups].filter(([id]) => id !== remembered).map(([, g]) => g)]
}
