// How the services built on the ledger (wallet, mining, storage) reach it. They declare it as an
// optional dependency: a service works (keys, settings, local proofs) on a node without a ledger,
// answering `ledger_unavailable` where it needs one. The first time the ledger is used, the service
// subscribes to closed ledgers; after stop() it never subscribes again.
import { fail } from '../../shared/util/errors.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from './ledger-node-api.ts'

/** The dependency of a service built on the ledger. */
export interface OnLedger {
  readonly ledger?: LedgerNodeApi
}

export interface LedgerLink {
  /** The ledger service, if it has started. */
  get(): LedgerNodeApi | undefined
  /** The ledger service, or a `ledger_unavailable` failure. */
  need(): LedgerNodeApi
  stop(): void
}

export const ledgerLink = ({ ledger }: OnLedger, onClosed: (e: ClosedLedgerEvent) => void): LedgerLink => {
  let unsubscribe: (() => void) | undefined
  const get = () => {
    if (ledger && !unsubscribe) unsubscribe = ledger.onClosed(onClosed)
    return ledger
  }
  return {
    get,
    need: () => get() ?? fail('ledger_unavailable'),
    stop() {
      unsubscribe?.()
      unsubscribe = () => {}
    },
  }
}

/** One job at a time, in call order: a failed job does not stop the ones after it. */
export const serialQueue = () => {
  let queue: Promise<unknown> = Promise.resolve()
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job)
    queue = run.catch(() => {})
    return run
  }
}
