// Check retrievals: volunteering as a retrieval checker (docs/retrieval-checks.md). Joining locks
// a bond on the ledger (given back on leave); then every round the node checks, by itself, the
// providers the ledger assigns this wallet and reports each outcome on the ledger, which tallies a
// public retrieval success rate per provider. The checker has no event, so the card polls
// `retrieval.checks.get`; it answers `no_wallet` before a wallet exists, and the card still says
// what checking is and what to do first.
import { useEffect, useState } from 'preact/hooks'
import type { WattError } from '../../shared/util/errors.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { CheckerView, CheckRow } from '../../worker/retrieval/retrieval-api.ts'
import { shortAddress, wattOf } from './mine-data.tsx'
import { describeError, useWallet } from './wallet-data.tsx'

const POLL_MS = 4000

/** Why a check failed, as the end of "The provider …". */
const FAULTS: Record<string, string> = {
  no_peer: 'could not be found on the network (it names no peer)',
  no_connection: 'could not be reached',
  refused: 'refused to send the file',
  bad_block: 'sent data that does not match the file',
  stalled: 'stopped sending before the check was done',
  timeout: 'took more than a minute to answer',
  no_payments: 'asks to be paid for retrieval in a way this check cannot take',
}

/** What happened to one check, in a sentence. */
const happened = (c: CheckRow): string => {
  switch (c.state) {
    case 'waiting':
      return 'Waiting its turn to be checked.'
    case 'checking':
      return 'Fetching a sampled piece of the file from the provider now…'
    case 'ok':
      return 'The provider served the sampled piece, and it matched the file.'
    case 'failed':
      return `The provider ${FAULTS[c.code ?? ''] ?? `failed the check${c.code ? ` (${c.code})` : ''}`}.`
  }
}

const reportLine = (c: CheckRow): string =>
  c.reported
    ? 'Report on the ledger.'
    : c.state === 'ok' || c.state === 'failed'
      ? 'Report sent, not on the ledger yet.'
      : 'Not reported yet.'

/** A sentence saying what to do, for every refusal joining or leaving can meet. */
export const describeCheckError = (e: unknown, bond: string | undefined): string => {
  const w = e as WattError
  switch (w?.code) {
    case 'no_wallet':
      return 'You have no wallet yet: create one on the Wallet screen, then come back to check retrievals.'
    case 'no_account':
      return `Your wallet has no WATT on the ledger yet: receive at least ${wattOf(bond)} WATT (the bond) plus the fee, then join.`
    case 'insufficient_balance':
      return `Joining needs ${wattOf(bond)} WATT for the bond plus the fee${
        typeof w.needed === 'string' ? ` (${wattOf(w.needed)} WATT in all)` : ''
      }${
        typeof w.spendable === 'string' ? `, and this wallet can spend ${wattOf(w.spendable)} WATT` : ''
      }: receive more WATT, then try again.`
    case 'already_checker':
      return 'This wallet is already a checker: reload the page to see it.'
    case 'not_checker':
      return 'This wallet is not a checker any more: reload the page to see it.'
    case 'checker_limit':
      return 'The network has as many checkers as it takes now: try again after some leave.'
    default:
      return describeError(e)
  }
}

const Checks = ({ view }: { view: CheckerView }) => (
  <ul class="list" data-testid="checks-list" data-round={view.round ?? ''}>
    {view.checks.length === 0 && (
      <li class="empty">
        {view.joined
          ? 'Nothing is assigned to you in this round yet: the next round draws new samples.'
          : 'Join to be assigned providers to check.'}
      </li>
    )}
    {view.checks.map((c) => (
      <li
        key={c.sample}
        class="row check-row"
        data-testid="checks-item"
        data-sample={c.sample}
        data-provider={c.provider}
        data-state={c.state}
        data-reported={String(c.reported)}
      >
        <div class="check-head">
          <code class="mono" title={c.provider}>
            {shortAddress(c.provider)}
          </code>
          <span class={`tag check-${c.state}`}>{c.state}</span>
        </div>
        <span>{happened(c)}</span>
        <span class="muted">{reportLine(c)}</span>
      </li>
    ))}
  </ul>
)

export const ChecksCard = ({ rpc }: { rpc: CoreRpc }) => {
  const [wallet] = useWallet(rpc)
  const [view, setView] = useState<CheckerView>()
  const [pollError, setPollError] = useState<unknown>()
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let alive = true
    const poll = () =>
      rpc.call('retrieval.checks.get', undefined, 5000).then(
        (v) => {
          if (!alive) return
          setView(v)
          setPollError(undefined)
        },
        (e) => alive && setPollError(e),
      )
    void poll()
    const t = setInterval(poll, POLL_MS)
    return () => {
      alive = false
      clearInterval(t)
    }
  }, [rpc, tick, wallet?.exists])

  // the newest join or leave (the list is oldest first): waiting for a ledger, or refused by it
  const last = view?.txs.filter((t) => t.kind !== 'reportCheck').at(-1)
  const pending = last?.state === 'pending' ? last : undefined
  const rejected = last?.state === 'rejected' || last?.state === 'dropped' ? last : undefined
  const noWallet = wallet ? !wallet.exists : (pollError as WattError)?.code === 'no_wallet'
  const bond = view?.bond

  const toggle = async () => {
    if (!view) return
    setError('')
    setBusy(true)
    try {
      await rpc.call(view.joined ? 'retrieval.checks.leave' : 'retrieval.checks.join', undefined, 30_000)
    } catch (e) {
      setError(describeCheckError(e, bond))
    } finally {
      setBusy(false)
      setTick((n) => n + 1)
    }
  }

  return (
    <section class="card" data-testid="checks-card">
      <h2>Check retrievals</h2>
      <p class="muted" style="margin-top:0">
        Help keep providers honest: as a checker, this device fetches a small random piece of files that the
        network picks each round from the providers assigned to you, and reports on the ledger whether they
        served it. Everyone then sees each provider's success rate. It runs by itself while this app is open.
      </p>
      {noWallet ? (
        <p class="muted" data-testid="checks-state" data-joined="false" data-bond="">
          Create a wallet on the Wallet screen first: a checker signs its reports with it, and joining locks a
          bond of WATT that comes back when you leave.
        </p>
      ) : view ? (
        <div class="stack">
          <div data-testid="checks-state" data-joined={String(view.joined)} data-bond={view.bond}>
            <div class="kv">
              <span>Status</span>
              <span>{view.joined ? 'Checking' : 'Not checking'}</span>
            </div>
            <div class="kv">
              <span>{view.joined ? 'Bond locked' : 'Bond to join'}</span>
              <span>{wattOf(view.bond)} WATT</span>
            </div>
            <div class="kv">
              <span>Round</span>
              <span>{view.round ?? 'none drawn yet'}</span>
            </div>
          </div>
          {wallet?.locked && (
            <p class="muted">
              Your wallet is locked: unlock it at the top of the Wallet screen, so this device can sign
              joining, leaving and its reports.
            </p>
          )}
          <button
            type="button"
            class={view.joined ? 'btn secondary' : 'btn'}
            data-testid="checks-toggle"
            data-joined={String(view.joined)}
            disabled={busy || pending !== undefined}
            onClick={() => void toggle()}
          >
            {view.joined ? 'Stop checking' : 'Join as a checker'}
          </button>
          <p class="muted">
            {view.joined
              ? `Stopping gives the ${wattOf(view.bond)} WATT bond back; checks already assigned this round are still done and reported.`
              : `Joining locks a bond of ${wattOf(view.bond)} WATT plus a fee; the bond comes back when you leave.`}
          </p>
          {pending && (
            <p class="muted" data-testid="checks-pending">
              {pending.kind === 'joinChecks' ? 'Joining' : 'Leaving'}: waiting for the next ledger to take it…
            </p>
          )}
          {rejected && (
            <p class="error" data-testid="checks-rejected">
              {rejected.state === 'dropped'
                ? `The ledger did not take ${rejected.kind === 'joinChecks' ? 'joining' : 'leaving'} in time: try again.`
                : `The ledger refused ${rejected.kind === 'joinChecks' ? 'joining' : 'leaving'}: ${describeCheckError(rejected, view.bond)}`}
            </p>
          )}
          {error && (
            <p class="error" data-testid="checks-error">
              {error}
            </p>
          )}
          <Checks view={view} />
        </div>
      ) : pollError ? (
        <p class="error" data-testid="checks-error">
          {describeCheckError(pollError, undefined)}
        </p>
      ) : (
        <p class="muted">Starting…</p>
      )}
    </section>
  )
}
