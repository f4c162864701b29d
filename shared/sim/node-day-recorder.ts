// Day recording for a real node (W24): the node's closed ledgers are watched, and at each day
// boundary the finished day's DayInputs and mining parameters are captured exactly as the
// boundary ledger's mining step sees them (that ledger re-applied on the previous state, with its
// agreed facts, and a read-only capture step in place of the mining step). Per day it keeps the
// first and closing sequence numbers and the state the day starts from (a persistent trie: it
// shares every node the day did not change with later states); the export reads the day's
// headers, tx sets and close signers back from the ledger store and writes the start state as a
// snapshot (day-snapshot.ts), so any recorded day can be replayed, not only a first one. A day
// whose start the node did not see (it joined or reloaded mid-day) is not recorded.
import { cidString } from '../codec/dag-cbor.ts'
import { applyLedger, type CloseInfo, type LedgerEnv } from '../ledger/apply.ts'
import { headerCid, type LedgerHeader } from '../ledger/header.ts'
import { composeProtocol, withCloseSteps } from '../ledger/module.ts'
import type { CloseStep } from '../ledger/operations/registry.ts'
import type { LedgerState } from '../ledger/state.ts'
import type { CheckedTxSet, TxSet } from '../ledger/tx-set.ts'
import type { Upgrade } from '../ledger/upgrade.ts'
import { dayInputsFromLedger } from '../mining/day-close.ts'
import type { DayInputs } from '../mining/day-inputs.ts'
import { MODULE } from '../mining/ledger-data.ts'
import { computeDayDistribution } from '../mining/distribution.ts'
import type { MiningParams } from '../mining/params.ts'
import { toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { configToJson } from '../node/config-json.ts'
import { type DayExport, type DayLedger, makeDayExport } from './day-export.ts'
import { snapshotOf } from './day-snapshot.ts'
import { toJson } from './json-diff.ts'

/** Finished days remembered (their inputs are small); older ones are dropped. */
const KEEP_DAYS = 8
/** Most ledgers one export reads back (a day at a 1 s close has 86,400). */
export const MAX_EXPORT_LEDGERS = 100_000

/** A closed ledger as the node reports it, with the agreed facts it was applied with. */
export interface RecordedClose {
  readonly header: LedgerHeader
  readonly txSet: CheckedTxSet
  readonly state: LedgerState
  readonly info: CloseInfo
}

/** A ledger read back from the store for the export. */
export interface StoredDayLedger {
  readonly header: LedgerHeader
  readonly txSet: TxSet
  readonly signers: readonly string[]
  readonly upgrades: readonly Upgrade[]
}

interface DayStart {
  readonly day: number
  readonly firstSeq: number
  /** The last ledger before the day's first. */
  readonly start: LedgerState
}

interface DayCapture {
  readonly inputs: DayInputs
  readonly params: MiningParams
}

interface FinishedDay extends DayStart, DayCapture {
  readonly closingSeq: number
}

type ExportError = WattError<
  'sim/day-not-recorded' | 'sim/ledger-not-retained' | 'sim/day-too-long' | 'sim/state-too-large'
>

/** One ledger of the export, with what a replay needs: prev header, agreed facts, tx bytes. */
export const dayLedgerOf = (l: StoredDayLedger, headerCid: string): DayLedger => ({
  seq: l.header.seq,
  headerCid,
  txs: l.txSet.txs.map(toHex),
  prevHeader: l.txSet.prevHeader.toString(),
  proof: l.txSet.proof.map(toHex),
  closeTimeMs: l.header.closeTimeMs,
  signers: [...l.signers],
  upgrades: [...l.upgrades],
})

export class NodeDayRecorder {
  readonly #env: LedgerEnv
  readonly #network: string
  readonly #finished = new Map<number, FinishedDay>()
  #prev: LedgerState
  #current: DayStart | undefined

  /** `start` is the node's last closed ledger when recording begins. */
  constructor(env: LedgerEnv, start: LedgerState) {
    this.#env = env
    this.#network = env.config.networkId
    this.#prev = start
    // From genesis the whole first day is seen; otherwise recording starts at the next boundary.
    this.#current = start.header.seq === 1 ? { day: start.header.dayIndex, firstSeq: 2, start } : undefined
  }

  /** Finished days that can be exported, oldest first. */
  days(): number[] {
    return [...this.#finished.keys()]
  }

  closed(c: RecordedClose): void {
    const prev = this.#prev
    this.#prev = c.state
    if (c.header.seq !== prev.header.seq + 1) {
      this.#current = undefined // a gap: the day in progress is no longer whole
      return
    }
    if (c.header.dayIndex <= prev.header.dayIndex) return
    const finished = prev.header.dayIndex
    if (this.#current?.day === finished) {
      this.#finished.set(finished, {
        ...this.#current,
        closingSeq: c.header.seq,
        ...this.#capture(prev, c, finished),
      })
      while (this.#finished.size > KEEP_DAYS) this.#finished.delete(this.#finished.keys().next().value!)
    }
    this.#current = { day: c.header.dayIndex, firstSeq: c.header.seq, start: prev }
  }

  /** The boundary ledger re-applied with a capture step where the mining step runs. */
  #capture(prev: LedgerState, c: RecordedClose, day: number): DayCapture {
    let captured: DayCapture | undefined
    const capture: CloseStep<MiningParams> = {
      name: 'sim/node-day-capture',
      run: (d, ctx) => {
        captured = { inputs: dayInputsFromLedger(d, day, ctx), params: ctx.params }
        return undefined
      },
    }
    const modules = withCloseSteps(this.#env.protocol.modules, MODULE, () => [capture as CloseStep])
    const { config, protocol } = this.#env
    const capturing = composeProtocol(modules, { maxProtocolVersion: protocol.maxProtocolVersion })
    const r = applyLedger(prev, c.txSet, c.info, { config, protocol: capturing })
    if (!r.ok || captured === undefined) throw new Error('sim: the day boundary ledger did not re-apply')
    return captured
  }

  /** The export of a finished day, reading its ledgers back through `read` (the ledger store). */
  async exportDay(
    day: number,
    read: (seq: number) => Promise<StoredDayLedger | undefined>,
  ): Promise<Result<DayExport, ExportError>> {
    const f = this.#finished.get(day)
    if (f === undefined) return err(wattError('sim/day-not-recorded', { day, recorded: this.days() }))
    if (f.closingSeq - f.firstSeq > MAX_EXPORT_LEDGERS)
      return err(wattError('sim/day-too-long', { day, ledgers: f.closingSeq - f.firstSeq }))
    const ledgers: DayLedger[] = []
    let closingHeader: LedgerHeader | undefined
    for (let seq = f.firstSeq; seq <= f.closingSeq; seq++) {
      const l = await read(seq)
      if (l === undefined) return err(wattError('sim/ledger-not-retained', { day, seq }))
      ledgers.push(dayLedgerOf(l, cidString(headerCid(l.header))))
      closingHeader = l.header
    }
    const closing = ledgers.pop()!
    const start = snapshotOf(f.start)
    if (!start.ok) return start
    return ok({
      ...makeDayExport({
        network: this.#network,
        params: f.params,
        inputs: f.inputs,
        ledgers,
        distribution: computeDayDistribution(f.inputs, f.params),
        closingHeader: {
          seq: closing.seq,
          cid: closing.headerCid,
          dayIndex: closingHeader!.dayIndex,
          closeTimeMs: closingHeader!.closeTimeMs,
          totalCoins: closingHeader!.totalCoins.toString(),
          feePool: closingHeader!.feePool.toString(),
        },
      }),
      genesis: toJson(configToJson(this.#env.config)),
      start: start.value,
      closingLedger: closing,
    })
  }
}
