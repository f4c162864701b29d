// The retrieval checker, a volunteer service (docs/retrieval-checks.md, "The checker service"): a
// node whose user opts in (retrieval.checks.join) registers its wallet as a checker on the ledger,
// bond locked. After every closed ledger it reads the live round's samples assigned to its wallet
// that the ledger holds no report of yet, checks each against that sample's provider alone
// (check-sample.ts: the root, then the leaf under the sampled point, every block verified), and
// signs one reportCheck per sample with the wallet's account key. Bounded: MAX_CHECKING checks at
// once, each with a timeout; state for the live round only (at most samplesPerRound entries).
// Idempotent across reloads: the ledger's reports are the record, so a sample already reported is
// never checked again; a report whose transaction was dropped is submitted again.
import type { Address } from '../../shared/crypto/address.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { marketReaders } from '../../shared/market/readers.ts'
import { retrievalChecksModule } from '../../shared/retrieval-checks/module.ts'
import type { SampleView } from '../../shared/retrieval-checks/readers.ts'
import { fail } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import type { ClosedLedgerEvent } from '../node/ledger-node-api.ts'
import { ledgerLink, type OnLedger, serialQueue } from '../node/ledger-link.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { createWalletTxs, type WalletOp, type WalletTxs } from '../wallet/wallet-txs.ts'
import { type CheckDeps, type CheckOutcome, checkSample } from './check-sample.ts'
import type {
  CheckerView,
  CheckRow,
  CheckTxKind,
  RetrievalEvents,
  RetrievalMethods,
} from './retrieval-api.ts'

/** Checks running at once (each holds a few blocks of its path). */
export const MAX_CHECKING = 2
/** Checker transactions followed at once. */
const MAX_TXS = 16
const R = retrievalChecksModule.readers

export interface CheckerDeps {
  readonly key: AccountKey
  readonly check: CheckDeps
}

export interface CheckerService extends CoreService {
  readonly name: 'checks'
}

/** A sample of the live round being checked: its outcome once found, its report's transaction once sent. */
interface Work {
  busy: boolean
  outcome?: CheckOutcome
  tx?: string
}

const reportOp = (s: SampleView, o: CheckOutcome): WalletOp => ({
  type: 'reportCheck',
  round: s.round,
  sample: s.index,
  ...(o.outcome === 'ok' ? { outcome: 'ok', leaf: o.leaf } : { outcome: 'failed' }),
})

const rowOf = (s: SampleView, me: Address, w: Work | undefined): CheckRow => ({
  sample: s.index,
  provider: s.provider,
  cid: s.cid,
  state: w?.outcome?.outcome ?? (w?.busy ? 'checking' : 'waiting'),
  ...(w?.outcome?.outcome === 'failed' ? { code: w.outcome.code } : {}),
  reported: Object.hasOwn(s.reports, me),
})

/** The live round's checks: at most MAX_CHECKING running, one report sent per sample. */
const createRoundWork = (deps: CheckerDeps, txs: WalletTxs<CheckTxKind>) => {
  let round = -1
  /** Sample index -> its check, for the live round only. */
  const work = new Map<number, Work>()
  let stopped = false
  const checking = () => [...work.values()].filter((w) => w.busy && !w.outcome).length

  /** Sends the sample's report once its outcome is known, again only if the ledger dropped the last one. */
  const report = async (s: SampleView, w: Work) => {
    const resend = w.tx === undefined || txs.views().find((t) => t.id === w.tx)?.state === 'dropped'
    if (stopped || !w.outcome || !resend || work.get(s.index) !== w) return
    w.busy = true
    try {
      w.tx = (await txs.submit('reportCheck', [reportOp(s, w.outcome)])).id
    } catch {
      w.tx = undefined // a locked wallet or a low balance: tried again after the next ledger
    } finally {
      w.busy = false
    }
  }

  /** Checks the sample against its provider (the peer its ask names), then reports. */
  const check = async (state: LedgerState, s: SampleView, w: Work) => {
    const peer = marketReaders.provider(state, s.provider).ask?.peer
    w.outcome = peer
      ? await checkSample(deps.check, { peer, cid: s.cid, point: s.point })
      : { outcome: 'failed', code: 'no_peer' }
    w.busy = false
    await report(s, w)
  }

  const step = (state: LedgerState, s: SampleView) => {
    const w = work.get(s.index)
    if (w?.busy) return
    if (w) return void report(s, w)
    if (checking() >= MAX_CHECKING) return
    const fresh: Work = { busy: true }
    work.set(s.index, fresh)
    void check(state, s, fresh)
  }

  return {
    /** Starts or goes on with the checks of `me`'s samples the ledger holds no report of. */
    onLedger(state: LedgerState, me: Address) {
      const live = R.liveRound(state)
      if (stopped || !live) return
      if (live.round !== round) {
        round = live.round
        work.clear()
      }
      for (const s of R.checksFor(state, me, live.round)) if (!Object.hasOwn(s.reports, me)) step(state, s)
    },
    /** The check of sample `index` of `r`, if it is the round being worked on. */
    of: (r: number, index: number): Work | undefined => (r === round ? work.get(index) : undefined),
    stop() {
      stopped = true
    },
  }
}

export const createCheckerService = (
  c: Pick<ServiceComponents<OnLedger, RetrievalMethods, RetrievalEvents>, 'rpc' | 'services' | 'now'>,
  deps: CheckerDeps,
): CheckerService => {
  const serial = serialQueue()
  const link = ledgerLink(c.services, (e) => void serial(() => onClosed(e)))
  const txs = createWalletTxs<CheckTxKind>({ ledger: link.need, key: deps.key, now: c.now }, MAX_TXS)
  const work = createRoundWork(deps, txs)

  const onClosed = async (e: ClosedLedgerEvent) => {
    const me = (await deps.key.load())?.address
    txs.closed(e, me)
    if (me) work.onLedger(e.state, me)
  }

  const me = async () => (await deps.key.load())?.address ?? fail('no_wallet')

  const join = async () => {
    const { state } = link.need().current()
    if (R.checker(state, await me())) fail('already_checker')
    return txs.submit('joinChecks', [{ type: 'joinChecks' }], R.params(state).checkerBond)
  }

  const leave = async () => {
    if (!R.checker(link.need().current().state, await me())) fail('not_checker')
    return txs.submit('leaveChecks', [{ type: 'leaveChecks' }])
  }

  const view = async (): Promise<CheckerView> => {
    const { state } = link.need().current()
    const address = await me()
    const checker = R.checker(state, address)
    const live = R.liveRound(state)
    const mine = live ? R.checksFor(state, address, live.round) : []
    return {
      joined: checker !== undefined,
      bond: String(checker?.bond ?? R.params(state).checkerBond),
      ...(live ? { round: live.round } : {}),
      checks: mine.map((s) => rowOf(s, address, work.of(s.round, s.index))),
      txs: txs.views(),
    }
  }

  return {
    name: 'checks',
    async start() {
      c.rpc.register('retrieval.checks.join', () => join())
      c.rpc.register('retrieval.checks.leave', () => leave())
      c.rpc.register('retrieval.checks.get', () => view())
      link.get()
    },
    stop() {
      work.stop()
      link.stop()
    },
  }
}
