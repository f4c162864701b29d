// Records what the simulated network did each day and turns it into day exports (W24), the
// same documents a real node writes: a read-only close step placed before the mining step (in
// the mining module, recordingDays) captures the DayInputs and the parameters in force exactly
// as the day-boundary ledger sees them, and the reference node reports each closed ledger. The
// distribution is computed with the same code the close step runs, so `--replay` of a simulated
// day must agree.
import type { LedgerHeader } from '../ledger/header.ts'
import { type AnyModule, withCloseSteps } from '../ledger/module.ts'
import type { CloseStep } from '../ledger/operations/registry.ts'
import { dayInputsFromLedger } from '../mining/day-close.ts'
import { MODULE } from '../mining/ledger-data.ts'
import type { DayInputs } from '../mining/day-inputs.ts'
import { computeDayDistribution } from '../mining/distribution.ts'
import type { MiningParams } from '../mining/params.ts'
import { type DayExport, type DayLedger, makeDayExport } from './day-export.ts'

/** Days kept in memory (exports and partial records); older ones are dropped. */
const KEEP_DAYS = 8

const trim = <T>(m: Map<number, T>): void => {
  while (m.size > KEEP_DAYS) m.delete(m.keys().next().value!)
}

interface DayCapture {
  readonly inputs: DayInputs
  readonly params: MiningParams
}

export class DayRecorder {
  readonly step: CloseStep<MiningParams>
  readonly exports = new Map<number, DayExport>()
  readonly #inputs = new Map<number, DayCapture>()
  readonly #ledgers = new Map<number, DayLedger[]>()
  readonly #network: string

  constructor(network: string) {
    this.#network = network
    this.step = {
      name: 'sim/day-recorder',
      run: (d, ctx) => {
        const day = ctx.prevDayIndex
        if (ctx.dayIndex <= day || this.#inputs.has(day)) return undefined
        this.#inputs.set(day, { inputs: dayInputsFromLedger(d, day, ctx), params: ctx.params })
        trim(this.#inputs)
        return undefined
      },
    }
  }

  /** `modules` with this recorder's step placed just before the mining module's own. */
  recordingDays(modules: readonly AnyModule[]): AnyModule[] {
    return withCloseSteps(modules, MODULE, (own) => [this.step as CloseStep, ...own])
  }

  /** The reference node closed `header` (named `cid`) holding transactions `txs` (ids). */
  closed(header: LedgerHeader, cid: string, txs: readonly string[]): void {
    const day = header.dayIndex
    const list = this.#ledgers.get(day) ?? []
    list.push({ seq: header.seq, headerCid: cid, txs })
    this.#ledgers.set(day, list)
    trim(this.#ledgers)
    const finished = day - 1
    const capture = this.#inputs.get(finished)
    if (day === 0 || capture === undefined || this.exports.has(finished) || list.length !== 1) return
    const { inputs, params } = capture
    this.exports.set(
      finished,
      makeDayExport({
        network: this.#network,
        params,
        inputs,
        ledgers: this.#ledgers.get(finished) ?? [],
        distribution: computeDayDistribution(inputs, params),
        closingHeader: {
          seq: header.seq,
          cid,
          dayIndex: header.dayIndex,
          closeTimeMs: header.closeTimeMs,
          totalCoins: header.totalCoins.toString(),
          feePool: header.feePool.toString(),
        },
      }),
    )
    trim(this.exports)
  }
}
