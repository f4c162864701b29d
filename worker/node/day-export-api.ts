// The day-export service's RPC methods (sim.*) and their guards.
import type { DayExport } from '../../shared/sim/day-export.ts'
import { noParams, optional, optionalParams, safeInt } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'

export type DayExportMethods = {
  /** The days this node recorded whole, oldest first. */
  'sim.days': Method<undefined, { days: number[] }>
  /** One finished day (the last one where `day` is absent), as `npm run sim -- --replay` reads it. */
  'sim.dayExport': Method<{ readonly day?: number } | undefined, DayExport>
}

export const DAY_EXPORT_GUARDS: Guards<DayExportMethods> = {
  'sim.days': noParams,
  'sim.dayExport': (p) => {
    const o = optionalParams(p)
    const day = o && optional(o, 'day', safeInt)
    return day === undefined ? undefined : { day }
  },
}
