// The contract between the simulator engine and a simulated node: the node gets a host (its
// clock, timers, network and reporting hooks) and answers inbound calls. Any protocol fits:
// the real herder (herder-node.ts) or a test stand-in.
import type { Rng } from '../util/prng.ts'
import type { ClosedLedger } from './checkers.ts'

export interface SimNodeHost<M> {
  readonly index: number
  /** This node's own seeded randomness (forked from the run's seed). */
  readonly rng: Rng
  now(): number
  /** Fires `fn` after `delayMs` of virtual time unless cancelled or the node crashes first. */
  setTimer(delayMs: number, fn: () => unknown): () => void
  send(to: number, msg: M): void
  /** Sends to every node that needs this node's messages (the topology's peers). */
  broadcast(msg: M): void
  externalized(slot: number, value: string): void
  closed(ledger: ClosedLedger): void
}

/** Inbound calls may return a promise; the engine waits for it before the next event. */
export interface SimNode<M> {
  start(): unknown
  receive(from: number, msg: M): unknown
  /** Loses every volatile thing; the node stays silent until restart. */
  crash(): void
  /** Comes back from what it persisted. */
  restart(): unknown
}

/**
 * Builds node `host.index`. `variant` is 0 for an honest node; an equivocating Byzantine
 * node is two instances (variants 1 and 2) that must prefer different values.
 */
export type SimNodeFactory<M> = (host: SimNodeHost<M>, variant: number) => SimNode<M>
