// The presence button: press and hold for 1.5 s. It records the trusted pointerdown .. pointerup
// on itself (pointer capture keeps the release on the button), samples the hold every 100 ms and
// counts any untrusted event; on release the core checks that proof and only then signs the
// check-in. A tap, a script's synthetic events, or leaving the button cancels.
import { useEffect, useRef, useState } from 'preact/hooks'
import { PRESENCE_RULES, type PresenceProof } from '../../worker/mining/presence.ts'

const TICK_MS = 100
/** Hold a little longer than the core's minimum so clock rounding never fails a full press. */
const HOLD_MS = PRESENCE_RULES.minHoldMs + 200

interface Press {
  pointerId: number
  pointerType: string
  downAt: number
  downTrusted: boolean
  samples: number[]
  untrusted: number
}

const nowMs = () => performance.timeOrigin + performance.now()
const eventMs = (e: Event) => performance.timeOrigin + e.timeStamp

export const MineButton = (props: {
  done: boolean
  busy: boolean
  disabled: boolean
  onProof: (proof: PresenceProof) => void
  onShort: () => void
}) => {
  const press = useRef<Press>()
  const [progress, setProgress] = useState(0)
  const timer = useRef<ReturnType<typeof setInterval>>()

  const stop = () => {
    clearInterval(timer.current)
    press.current = undefined
    setProgress(0)
  }
  useEffect(() => stop, [])

  const down = (e: PointerEvent) => {
    if (props.done || props.busy || props.disabled || press.current) return
    ;(e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId)
    press.current = {
      pointerId: e.pointerId,
      pointerType: e.pointerType,
      downAt: eventMs(e),
      downTrusted: e.isTrusted,
      samples: [],
      untrusted: e.isTrusted ? 0 : 1,
    }
    timer.current = setInterval(() => {
      const p = press.current
      if (!p) return
      if (p.samples.length < PRESENCE_RULES.maxSamples) p.samples.push(nowMs())
      setProgress(Math.min(1, (nowMs() - p.downAt) / HOLD_MS))
    }, TICK_MS)
  }

  const move = (e: PointerEvent) => {
    const p = press.current
    if (!p || e.pointerId !== p.pointerId) return
    if (!e.isTrusted) p.untrusted++
  }

  const up = (e: PointerEvent) => {
    const p = press.current
    if (!p || e.pointerId !== p.pointerId) return
    const upAt = eventMs(e)
    const proof: PresenceProof = {
      v: 1,
      pointerType: p.pointerType,
      down: { at: p.downAt, trusted: p.downTrusted },
      up: { at: upAt, trusted: e.isTrusted },
      samples: p.samples,
      untrusted: p.untrusted + (e.isTrusted ? 0 : 1),
    }
    stop()
    if (upAt - p.downAt < PRESENCE_RULES.minHoldMs) props.onShort()
    else props.onProof(proof)
  }

  const label = props.done
    ? 'Done for today'
    : props.busy
      ? 'Checking in…'
      : progress >= 1
        ? 'Release'
        : progress > 0
          ? 'Keep holding…'
          : 'Hold to check in'
  const deg = Math.round((props.done ? 1 : progress) * 360)
  const ring = props.done ? 'var(--ok)' : 'var(--accent)'
  return (
    <button
      type="button"
      data-testid="mine-button"
      data-state={props.done ? 'done' : props.busy ? 'busy' : progress > 0 ? 'holding' : 'idle'}
      disabled={props.disabled && !props.done}
      aria-label={label}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={stop}
      onLostPointerCapture={() => press.current && stop()}
      onContextMenu={(e) => e.preventDefault()}
      style={`width:168px;height:168px;border-radius:50%;border:0;padding:10px;cursor:pointer;touch-action:none;user-select:none;-webkit-user-select:none;background:conic-gradient(${ring} ${deg}deg, var(--panel-2) ${deg}deg);display:grid;place-items:center;margin:4px auto 8px`}
    >
      <span
        style={`width:100%;height:100%;border-radius:50%;background:${props.done ? 'rgba(61,220,151,0.12)' : 'var(--bg)'};display:grid;place-items:center;text-align:center;font-weight:800;font-size:1.05rem;color:${props.done ? 'var(--ok)' : 'var(--text)'};padding:12px`}
      >
        <span>
          <span style="display:block;font-size:2.2rem;line-height:1.1">{props.done ? '✓' : '⚡'}</span>
          {label}
        </span>
      </span>
    </button>
  )
}
