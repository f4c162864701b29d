// The storage market's invariants, checked on every ledger every honest node closes
// (docs/market.md): the module's held balance is exactly the escrow, provider and client
// collateral and open bids' locks its records hold; a replica is paid exactly the window shares of the windows whose proof the ledger applied
// (the proofs are tracked here from the applied transactions, the shares computed with a
// reference formula of this file, not the market's pricing code); a client never pays more than
// its deal; a provider's earnings are what its replicas were paid. Node agreement on headers is
// the `ledger_mismatch` checker's (checkers.ts).
import type { Address } from '../crypto/address.ts'
import type { TxResult } from '../ledger/apply.ts'
import type { LedgerState } from '../ledger/state.ts'
import type { CheckedTx } from '../ledger/tx-set.ts'
import { marketModule } from '../market/module.ts'
import type { Replica } from '../market/store.ts'
import { BoundedMap } from '../node/bounded-map.ts'

const R = marketModule.readers

/** What a node closed, as the market checker reads it. */
export interface AppliedLedger {
  readonly state: LedgerState
  readonly txs: readonly CheckedTx[]
  readonly results: readonly TxResult[]
}

interface At {
  readonly seq: number
  readonly node: number
  readonly at: number
}

export type MarketViolation =
  | ({ code: 'market_held'; held: string; recorded: string } & At)
  | ({ code: 'market_paid'; deal: number; replica: number; paid: string; proven: string } & At)
  | ({
      code: 'market_client'
      deal: number
      replica: number
      state: string
      total: string
      paid: string
      escrow: string
    } & At)
  | ({ code: 'market_earned'; provider: string; earned: string; paid: string } & At)

/** Window proofs and providers remembered (far above what a simulated market makes). */
const MAX_TRACKED = 100_000

/** Reference window share: window i of n pays floor(total (i+1) / n) - floor(total i / n). */
const shareOf = (total: bigint, n: number, i: number): bigint =>
  (total * BigInt(i + 1)) / BigInt(n) - (total * BigInt(i)) / BigInt(n)

const isEnded = (r: Replica) => r.state === 'terminated' || r.state === 'expired'

export class MarketChecker {
  /** `provider/sector/period` -> the first ledger whose applied transactions proved it. */
  readonly #proven = new BoundedMap<string, number>(MAX_TRACKED)
  /** Every account seen depositing collateral (its free collateral is part of the held balance). */
  readonly #depositors = new BoundedMap<Address, true>(MAX_TRACKED)

  /** Records what the ledger's applied transactions proved, then checks its state. */
  closed(node: number, l: AppliedLedger, at: number): MarketViolation | undefined {
    this.#record(l)
    return this.check(l.state, { seq: l.state.header.seq, node, at })
  }

  #record(l: AppliedLedger): void {
    const seq = l.state.header.seq
    const ok = new Set(l.results.filter((r) => r.ok).map((r) => r.tx))
    for (const tx of l.txs) {
      if (!ok.has(tx.id)) continue
      for (const op of tx.tx.body.ops as unknown as readonly Record<string, unknown>[]) {
        if (op.type === 'addCollateral') this.#depositors.set(tx.source, true)
        if (op.type !== 'submitWindowPost') continue
        for (const n of op.sectors as readonly number[]) {
          const key = `${tx.source}/${Number(n)}/${Number(op.period)}`
          if (!this.#proven.has(key)) this.#proven.set(key, seq)
        }
      }
    }
  }

  /** What the windows of `rep` proven by ledger `seq` are worth, by the reference formula. */
  #provenWorth(s: LedgerState, rep: Replica, periods: number): bigint {
    const sector = rep.sector < 0 ? undefined : R.sector(s, rep.provider, rep.sector)
    if (sector === undefined || sector.firstPeriod < 0) return 0n
    let worth = 0n
    for (let i = 0; i < rep.windows; i++) {
      const by = this.#proven.get(`${rep.provider}/${rep.sector}/${sector.firstPeriod + i}`)
      if (by !== undefined && by <= s.header.seq) worth += shareOf(rep.total, periods, i)
    }
    return worth
  }

  #replica(s: LedgerState, deal: { id: number; periods: number }, i: number, rep: Replica, at: At) {
    const worth = this.#provenWorth(s, rep, deal.periods)
    const where = { deal: deal.id, replica: i, ...at }
    if (rep.paid !== worth)
      return { code: 'market_paid', ...where, paid: `${rep.paid}`, proven: `${worth}` } as const
    const spent = rep.paid + rep.escrow
    const left = rep.escrow !== 0n || rep.collateral !== 0n || rep.clientCollateral !== 0n
    const bad = isEnded(rep) ? left : spent !== rep.total
    if (spent > rep.total || bad) {
      const amounts = { total: `${rep.total}`, paid: `${rep.paid}`, escrow: `${rep.escrow}` }
      return { code: 'market_client', ...where, state: rep.state, ...amounts } as const
    }
    return undefined
  }

  /** Checks one closed state (`at`: which node and when, for the report). */
  check(s: LedgerState, at: At): MarketViolation | undefined {
    let recorded = 0n
    const paid = new Map<Address, bigint>()
    for (const a of this.#depositors.keys()) paid.set(a, 0n)
    for (let id = 0; ; id++) {
      const deal = R.deal(s, id)
      if (deal === undefined) break
      for (const [i, rep] of deal.replicaList.entries()) {
        const v = this.#replica(s, deal, i, rep, at)
        if (v !== undefined) return v
        recorded += rep.escrow + rep.collateral + rep.clientCollateral
        paid.set(rep.provider, (paid.get(rep.provider) ?? 0n) + rep.paid)
      }
    }
    for (const [provider, sum] of paid) {
      const acct = R.provider(s, provider)
      recorded += acct.free
      if (acct.earned !== sum)
        return { code: 'market_earned', provider, earned: `${acct.earned}`, paid: `${sum}`, ...at }
    }
    for (const b of R.bids(s)) recorded += b.locked
    const held = R.held(s)
    return held === recorded
      ? undefined
      : { code: 'market_held', held: `${held}`, recorded: `${recorded}`, ...at }
  }
}

export const describeMarketViolation = (v: MarketViolation): string => {
  const where = `node ${v.node} ledger ${v.seq}`
  switch (v.code) {
    case 'market_held':
      return `${where}: the market holds ${v.held} but its records hold ${v.recorded}`
    case 'market_paid':
      return `${where}: deal ${v.deal} replica ${v.replica} was paid ${v.paid}, its proven windows are worth ${v.proven}`
    case 'market_client':
      return `${where}: deal ${v.deal} replica ${v.replica} (${v.state}) of ${v.total} has paid ${v.paid} and escrow ${v.escrow}`
    case 'market_earned':
      return `${where}: provider ${v.provider} earned ${v.earned}, its replicas were paid ${v.paid}`
  }
}
