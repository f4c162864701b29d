// How the services built on the ledger (wallet, mining, storage) reach it. The `ledger` service is
// looked up at use, not at start: a service works (keys, settings) before the ledger exists or
// while it is still loading. The first time it is seen, the service subscribes to closed ledgers;
// after stop() it never subscribes again.
import { fail } from '../../shared/util/errors.ts'
import type { ServiceComponents } from '../core/service.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from './ledger-node-api.ts'

export interface LedgerLink {
  /** The ledger service, if it has started. */
  get(): LedgerNodeApi | undefined
  /** The ledger service, or a `ledger_unavailable` failure. */
  need(): LedgerNodeApi
  stop(): void
}

export const ledgerLink = (
  services: ServiceComponents['services'],
  onClosed: (e: ClosedLedgerEvent) => void,
): LedgerLink => {
  let unsubscribe: (() => void) | undefined
  const get = () => {
    const l = services.get('ledger') as LedgerNodeApi | undefined
    if (l && !unsubscribe) unsubscribe = l.onClosed(onClosed)
    return l
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
