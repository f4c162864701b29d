// Byzantine behaviours as wrappers around honest nodes, so every fault reuses the real code:
// silent (receives, never sends), garbage (every outbound message is replaced by a corrupted
// one), equivocate (two honest instances that prefer different values, each talking to half of
// the peers under the same identity: conflicting signed statements), and false-signers (what it
// sends is rewritten and re-signed so that its proposals credit a validator that never signed).
import type { SimNode, SimNodeFactory, SimNodeHost } from './node-host.ts'

export type ByzantineKind = 'silent' | 'garbage' | 'equivocate' | 'false-signers'
export const BYZANTINE_KINDS: readonly ByzantineKind[] = ['silent', 'garbage', 'equivocate', 'false-signers']

/** Makes a corrupted copy of a message (wrong signature, random bytes, bad fields...). */
export type Corrupt<M> = (msg: M, host: SimNodeHost<M>) => M

/** Rewrites a message as a lying node would (signing what it changed), into what it sends. */
export type Forge<M> = (msg: M, host: SimNodeHost<M>) => Promise<readonly M[]>

const quietHost = <M>(host: SimNodeHost<M>): SimNodeHost<M> => ({
  ...host,
  now: host.now,
  setTimer: host.setTimer,
  send: () => {},
  broadcast: () => {},
  externalized: () => {},
  closed: () => {},
})

const garbageHost = <M>(host: SimNodeHost<M>, corrupt: Corrupt<M>): SimNodeHost<M> => ({
  ...quietHost(host),
  send: (to, msg) => host.send(to, corrupt(msg, host)),
  broadcast: (msg) => host.broadcast(corrupt(msg, host)),
})

/** Sends the forged form of every message (once its signature is made), reports nothing. */
const forgingHost = <M>(host: SimNodeHost<M>, forge: Forge<M>): SimNodeHost<M> => ({
  ...quietHost(host),
  send: (to, msg) =>
    void forge(msg, host).then((ms) => {
      for (const m of ms) host.send(to, m)
    }),
  broadcast: (msg) =>
    void forge(msg, host).then((ms) => {
      for (const m of ms) host.broadcast(m)
    }),
})

/** Sends only to peers p with keep(p); broadcasts go to the kept ones among `peers`. */
const splitHost = <M>(host: SimNodeHost<M>, peers: readonly number[], keep: (p: number) => boolean) => {
  const mine = peers.filter(keep)
  return {
    ...quietHost(host),
    send: (to: number, msg: M) => {
      if (keep(to)) host.send(to, msg)
    },
    broadcast: (msg: M) => {
      for (const p of mine) host.send(p, msg)
    },
  }
}

const both = <M>(a: SimNode<M>, b: SimNode<M>): SimNode<M> => ({
  start: () => Promise.all([a.start(), b.start()]),
  receive: (from, msg) => Promise.all([a.receive(from, msg), b.receive(from, msg)]),
  crash: () => {
    a.crash()
    b.crash()
  },
  restart: () => Promise.all([a.restart(), b.restart()]),
})

export const byzantineNode = <M>(
  kind: ByzantineKind,
  factory: SimNodeFactory<M>,
  host: SimNodeHost<M>,
  peers: readonly number[],
  lies: { readonly corrupt: Corrupt<M>; readonly forge: Forge<M> },
): SimNode<M> => {
  switch (kind) {
    case 'silent':
      return factory(quietHost(host), 0)
    case 'garbage':
      return factory(garbageHost(host, lies.corrupt), 0)
    case 'false-signers':
      return factory(forgingHost(host, lies.forge), 0)
    case 'equivocate': {
      const half = (p: number) => peers.indexOf(p) % 2 === 0
      return both(
        factory(splitHost(host, peers, half), 1),
        factory(
          splitHost(host, peers, (p) => !half(p)),
          2,
        ),
      )
    }
  }
}
