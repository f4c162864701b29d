// The security circle: the 3-5 accounts this one vouches for, who of them is active today, add
// by address or invite link (a scanned QR holds the link), remove. A change is sent as soon as
// the list has a valid size; until then it stays a draft here. Edits count from the next day.
import { useEffect, useState } from 'preact/hooks'
import { parseAddress } from '../../shared/crypto/address.ts'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import { InlineForm } from './inline-form.tsx'
import { describeError } from './wallet-data.tsx'
import { addressFromText, shortAddress } from './mine-data.tsx'

export const MineCircle = ({ rpc, view }: { rpc: CoreRpc; view: MiningView }) => {
  const saved = view.circle.map((m) => m.address)
  const [draft, setDraft] = useState<string[]>()
  const [text, setText] = useState('')
  const [note, setNote] = useState('')
  const list = draft ?? saved
  const byAddress = new Map(view.circle.map((m) => [m.address, m]))

  // the ledger caught up with what was sent: follow it again
  useEffect(() => {
    if (draft && draft.length >= view.circleMin && draft.join() === saved.join()) setDraft(undefined)
  }, [draft, saved.join(), view.circleMin])

  const change = async (next: string[]) => {
    setDraft(next)
    if (next.length < view.circleMin) {
      setNote(
        `Add ${view.circleMin - next.length} more to save (a circle has ${view.circleMin}-${view.circleMax}).`,
      )
      return
    }
    setNote('Saving…')
    try {
      await rpc.call('mining.setCircle', { members: next })
      setNote(`Saved: counts from day ${view.today + 1}.`)
    } catch (e) {
      setDraft(list)
      setNote(describeError(e))
    }
  }

  /** Adds the address in `input` (an address or an invite link, typed or scanned). */
  const add = (input: string) => {
    const a = addressFromText(input)
    const parsed = parseAddress(a)
    if (!parsed.ok) return setNote(describeError(parsed.error))
    if (a === view.address) return setNote('Your own account cannot be in your circle.')
    if (list.includes(a)) return setNote('Already in your circle.')
    if (list.length >= view.circleMax) return setNote(`A circle has at most ${view.circleMax} members.`)
    setText('')
    void change([...list, a])
  }

  return (
    <section class="card">
      <h2>
        Security circle <span class="count">{list.length}</span>
      </h2>
      <p class="muted" style="margin-top:0">
        {view.circleMin}-{view.circleMax} people you trust. Each one active today adds to your reward.
      </p>
      <ul class="list" data-testid="circle-list">
        {list.map((a) => {
          const m = byAddress.get(a)
          return (
            <li
              key={a}
              class="row"
              data-testid="circle-item"
              data-address={a}
              data-active={m?.activeToday ? 'true' : 'false'}
              data-state={!m ? (draft ? 'draft' : 'sending') : m.inForceToday ? 'today' : 'tomorrow'}
            >
              <span title={m?.activeToday ? 'active today' : 'not active yet today'}>
                {m?.activeToday ? '🟢' : '⚪'}
              </span>
              <code class="mono" title={a}>
                {shortAddress(a)}
              </code>
              {!m ? (
                <span class="tag">{draft ? 'draft' : 'sending'}</span>
              ) : (
                !m.inForceToday && <span class="tag">from tomorrow</span>
              )}
              <button
                type="button"
                class="btn secondary"
                style="margin-left:auto;padding:4px 10px"
                data-testid="circle-remove"
                aria-label={`Remove ${a}`}
                onClick={() => void change(list.filter((x) => x !== a))}
              >
                ✕
              </button>
            </li>
          )
        })}
        {list.length === 0 && <li class="empty">Nobody yet.</li>}
      </ul>
      <InlineForm
        class="spaced"
        onText={add}
        value={text}
        onInput={setText}
        placeholder="Address or invite link"
        testids={{ input: 'circle-add-input', submit: 'circle-add-submit', scan: 'circle-scan' }}
        submitLabel="Add"
        disabled={!view.wallet}
      />
      {note && (
        <p class="muted" data-testid="circle-note">
          {note}
        </p>
      )}
    </section>
  )
}
