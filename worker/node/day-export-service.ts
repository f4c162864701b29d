// The `dayExport` core service (W24, issue 5): records the node's days as its ledgers close
// (shared/sim/node-day-recorder.ts) and serves `sim.dayExport {day?}`: one finished day as the
// JSON document `npm run sim -- --replay` and the simulator's replay read. It starts right
// after the ledger service so a node that starts at genesis sees its whole first day. The
// day's headers, tx sets and close signers are read back from the ledger's IndexedDB store
// (its own short-lived connection) when an export is asked for.
import { NodeDayRecorder } from '../../shared/sim/node-day-recorder.ts'
import { fail } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import type { DayExportMethods } from './day-export-api.ts'
import { ledgerDbName, openIdbLedgerStore } from '../ledger/idb-store.ts'
import type { LedgerNodeApi } from './ledger-node-api.ts'

export const dayExportService = (
  c: ServiceComponents<{ ledger: LedgerNodeApi }, DayExportMethods>,
): CoreService => {
  let unsubscribe: (() => void) | undefined

  const exportDay = async (ledger: LedgerNodeApi, r: NodeDayRecorder, asked: number | undefined) => {
    const days = r.days()
    const day = asked ?? days.at(-1)
    if (day === undefined) return fail('sim/day-not-recorded', { recorded: days })
    const store = await openIdbLedgerStore(ledgerDbName(ledger.genesis().networkId))
    try {
      const out = await r.exportDay(day, async (seq) => {
        const [header, stored] = await Promise.all([store.header(seq), store.ledger(seq)])
        return header && stored ? { header, ...stored } : undefined
      })
      return out.ok ? out.value : fail(out.error.code, out.error)
    } finally {
      await store.close()
    }
  }

  return {
    name: 'dayExport',
    async start() {
      const { ledger } = c.services
      const r = new NodeDayRecorder(ledger.env(), ledger.current().state)
      unsubscribe = ledger.onClosed((e) => r.closed(e))
      c.rpc.register('sim.days', () => ({ days: r.days() }))
      c.rpc.register('sim.dayExport', (p) => exportDay(ledger, r, p?.day))
    },
    stop() {
      unsubscribe?.()
    },
  }
}
