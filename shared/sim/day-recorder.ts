// Records what the simulated network did each day and turns it into day exports (W24), the
// same documents a real node writes: a read-only close step placed before the mining step
// captures the DayInputs exactly as the day-boundary ledger sees them, and the reference node
// reports each closed ledger. The distribution is computed with the same code the close step
// runs, so `--replay` of a simulated day must agree.
import type { Address } from '../crypto/address.ts'
import type { LedgerHeader } from '../ledger/header.ts'
import type { CloseStep } from '../ledger/operations/registry.ts'
import { dayInputsFromLedger } from '../mining/day-close.ts'
import type { DayInputs } from '../mining/day-inputs.ts'
import { computeDayDistribution } from '../mining/distribution.ts'
import type { MiningParams } from '../mining/params.ts'
import { type DayExport, type DayLedger, makeDayExport } from './day-export.ts'

/** Days kept in memory (exports and partial records); older ones are dropped. */
const KEEP_DAYS = 8

const trim = <T>(m: Map<number, T>): void => {
  while (m.size > KEEP_DAYS) m.delete(m.keys().next().value!)
}

export class DayRecorder {
  readonly step: CloseStep
  readonly exports = new Map<number, DayExport>()
  readonly #inputs = new Map<number, DayInputs>()
  readonly #ledgers = new Map<number, DayLedger[]>()
  readonly #params: MiningParams
  readonly #network: string

  constructor(params: MiningParams, network: string) {
    this.#params = params
    this.#network = network
    this.step = {
      name: 'sim/day-recorder',
      run: (d, ctx) => {
        const day = ctx.prevDayIndex
        if (ctx.dayIndex <= day || this.#inputs.has(day)) return
        this.#inputs.set(day, dayInputsFromLedger(d, day, ctx.config.validators as readonly Address[]))
        trim(this.#inputs)
      },
    }
  }

  /** The reference node closed `header` (named `cid`) holding transactions `txs` (ids). */
  closed(header: LedgerHeader, cid: string, txs: readonly string[]): void {
    const day = header.dayIndex
    const list = this.#ledgers.get(day) ?? []
    list.push({ seq: header.seq, headerCid: cid, txs })
    this.#ledgers.set(day, list)
    trim(this.#ledgers)
    const finished = day - 1
    const inputs = this.#inputs.get(finished)
    if (day === 0 || inputs === undefined || this.exports.has(finished) || list.length !== 1) return
    this.exports.set(
      finished,
      makeDayExport({
        network: this.#network,
        params: this.#params,
        inputs,
        ledgers: this.#ledgers.get(finished) ?? [],
        distribution: computeDayDistribution(inputs, this.#params),
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
