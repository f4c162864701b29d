// The Mine screen: the daily presence check-in first (a passkey, or press and hold), which a
// newcomer with an empty wallet can do on day one (it is fee-free and opens the account), today's
// status and the countdown to the next day, the reward estimate, the security circle, invites, and the reward
// history. State lives in the core's mining service; this screen renders its view and calls
// mining.* methods. A validator node also sees its node account's rewards.
import { useState } from 'preact/hooks'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import type { PresenceProof } from '../../worker/mining/presence.ts'
import { MineButton } from '../components/mine-button.tsx'
import { MineCircle } from '../components/mine-circle.tsx'
import { shortAddress, useCountdown, useMining, wattOf } from '../components/mine-data.tsx'
import { MineHistory } from '../components/mine-history.tsx'
import { MineInvite } from '../components/mine-invite.tsx'
import { MinePresence } from '../components/mine-presence.tsx'
import { NodeOperator } from '../components/mine-node-operator.tsx'
import { describeError } from '../components/wallet-data.tsx'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { CoreConnection } from '../core-client.ts'

const statusLine = (v: MiningView, busy: boolean): string => {
  if (v.checkedInToday) return `active today · day ${v.today}`
  if (busy || v.checkInPending) return 'not yet today · checking in…'
  if (!v.wallet) return 'not yet today · create a wallet first (Wallet tab)'
  if (!v.accountExists)
    return `not yet today · check in for day ${v.today}: it is free and opens your account`
  return `not yet today · hold the button to check in for day ${v.today}`
}

const Today = ({
  rpc,
  view,
  onProof,
  busy,
  message,
  onShort,
}: {
  rpc: CoreRpc
  view: MiningView
  onProof: (p: PresenceProof) => void
  busy: boolean
  message: string
  onShort: () => void
}) => {
  const countdown = useCountdown(view.nextDayAtMs)
  return (
    <section class="card wide" style="text-align:center">
      <h2 style="justify-content:center">Today</h2>
      <MineButton
        done={view.checkedInToday}
        busy={busy || view.checkInPending}
        disabled={!view.wallet}
        onProof={onProof}
        onShort={onShort}
      />
      <MinePresence rpc={rpc} view={view} />
      <p
        data-testid="mine-status"
        data-day={view.today}
        data-ledger-day={view.ledgerDay}
        style="font-weight:700;margin:6px 0"
      >
        {statusLine(view, busy)}
      </p>
      {message && (
        <p class="error" data-testid="mine-message">
          {message}
        </p>
      )}
      <div class="kv">
        <span>Next day in</span>
        <strong class="mono" data-testid="mine-countdown" data-at={view.nextDayAtMs}>
          {countdown}
        </strong>
      </div>
      <div class="kv">
        <span>{view.checkedInToday ? "Today's reward so far" : 'If you check in today'}</span>
        <strong data-testid="mine-estimate" data-amount={view.estimate ?? ''}>
          {view.estimate === undefined ? '—' : `≈ ${wattOf(view.estimate)} WATT`}
        </strong>
      </div>
      <div class="kv">
        <span>Balance</span>
        <span data-testid="mine-balance" data-amount={view.balance}>
          {wattOf(view.balance)} WATT
        </span>
      </div>
      <div class="kv">
        <span>Checked in today</span>
        <span>{view.checkInsToday} accounts</span>
      </div>
      <div class="kv">
        <span>Fee pool</span>
        <span data-testid="mine-fee-pool" data-amount={view.feePool}>
          {wattOf(view.feePool)} WATT
        </span>
      </div>
    </section>
  )
}

const NodeRewards = ({ rpc, view }: { rpc: CoreRpc; view: MiningView }) => {
  const mine = view.lastDay?.validators.find((v) => v.account === view.node.address)
  return (
    <section
      class="card"
      data-testid="mine-node"
      data-address={view.node.address}
      data-balance={view.node.balance}
    >
      <h2>This node</h2>
      <p class="muted" style="margin-top:0">
        A validator earns a node share every day it signs the ledgers, paid to the node's own account. Linked
        to its operator's wallet, the operator's circle is a trust seed.
      </p>
      <div class="kv">
        <span>Node account</span>
        <code class="mono" title={view.node.address}>
          {shortAddress(view.node.address)}
        </code>
      </div>
      <div class="kv">
        <span>Balance</span>
        <span>
          {view.node.accountExists
            ? `${wattOf(view.node.balance)} WATT`
            : 'no account yet (its first node reward opens one)'}
        </span>
      </div>
      {view.lastDay && (
        <div class="kv">
          <span>Day {view.lastDay.day} uptime</span>
          <span
            data-testid="mine-node-uptime"
            data-day={view.lastDay.day}
            data-signed={mine?.signed ?? 0}
            data-ledgers={view.lastDay.ledgers}
          >
            signed {mine?.signed ?? 0} of {view.lastDay.ledgers} ledgers
          </span>
        </div>
      )}
      <NodeOperator rpc={rpc} view={view} />
    </section>
  )
}

export const MineScreen = ({ core }: { core: CoreConnection }) => {
  const { rpc } = core
  const [view] = useMining(rpc)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  if (!view?.ready) return <div class="screen muted">Waiting for the ledger…</div>

  const checkIn = async (proof: PresenceProof) => {
    setBusy(true)
    setMessage('')
    try {
      await rpc.call('mining.checkIn', { proof })
    } catch (e) {
      setMessage(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const lastFailed = view.txs.findLast(
    (t) => t.kind === 'checkIn' && t.state !== 'pending' && t.state !== 'applied',
  )

  return (
    <div
      class="screen"
      data-testid="mine-screen"
      data-fee-pool={view.feePool}
      data-phase1={view.phase1Remaining}
      data-ledger-day={view.ledgerDay}
    >
      <Today
        rpc={rpc}
        view={view}
        busy={busy}
        onProof={checkIn}
        onShort={() => setMessage('Hold the button a little longer (1.5 s).')}
        message={
          message ||
          (lastFailed && !view.checkedInToday ? `check-in ${lastFailed.state}: ${lastFailed.code ?? ''}` : '')
        }
      />
      <MineCircle rpc={rpc} view={view} />
      <MineInvite rpc={rpc} view={view} />
      <MineHistory
        title="Rewards"
        rows={view.history}
        testid="reward-history"
        itemTestid="reward-item"
        empty="No rewards yet: check in today and see tomorrow."
      />
      {view.node.validator && (
        <>
          <NodeRewards rpc={rpc} view={view} />
          <MineHistory
            title="Node rewards"
            rows={view.node.history}
            testid="node-reward-history"
            itemTestid="node-reward-item"
            empty="No node rewards yet."
          />
        </>
      )}
    </div>
  )
}
