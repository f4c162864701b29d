// Reward history: each finished day's reward split into base, circle, referral, node and fee
// parts, as the ledger's reward record of that day holds them (amounts in base units on the
// data attributes, every part on the row itself; WATT on screen). Also used for the node's
// validator account.
import type { RewardView } from '../../worker/mining/mining-view.ts'
import { wattOf } from './mine-data.tsx'

const PARTS = ['base', 'circle', 'referral', 'node', 'fee'] as const

export const MineHistory = (props: {
  title: string
  rows: readonly RewardView[]
  testid: string
  itemTestid: string
  empty: string
}) => (
  <section class="card wide">
    <h2>{props.title}</h2>
    <ul class="list" data-testid={props.testid}>
      {props.rows.map((r) => (
        <li
          key={r.day}
          class="row reward-row"
          data-testid={props.itemTestid}
          data-day={r.day}
          data-amount={r.total}
          data-base={r.base}
          data-circle={r.circle}
          data-referral={r.referral}
          data-node={r.node}
          data-fee={r.fee}
        >
          <div style="min-width:64px">
            <div class="muted" style="font-size:0.8rem">
              day
            </div>
            <strong>{r.day}</strong>
          </div>
          <div class="muted reward-parts">
            {PARTS.filter((p) => r[p] !== '0').map((p) => (
              <span key={p} data-part={p} data-amount={r[p]}>
                {p} {wattOf(r[p])}
              </span>
            ))}
          </div>
          <strong style="margin-left:auto;white-space:nowrap">+{wattOf(r.total)}</strong>
        </li>
      ))}
      {props.rows.length === 0 && <li class="empty">{props.empty}</li>}
    </ul>
  </section>
)
