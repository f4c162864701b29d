// The press-and-hold proof of a `hold` check-in, the weaker presence kind: the page records a
// press-and-hold on the Mine button (trusted pointerdown .. pointerup, with hold samples taken while
// the pointer stays down) and the core checks it before it signs a checkIn. It keeps a stray tap
// and a script dispatching synthetic events on the button from checking in; the flags are the
// page's word, so a script calling the RPC with made-up ones, browser automation, an input robot or
// a modified client pass, and the network cannot check any of it: the operation says only
// `{ kind: 'hold' }`, which weighs holdWeightPpm (docs/mining.md, Presence). A passkey check-in is
// the kind every validator verifies (shared/mining/passkeys.ts).
import { err, ok, type Result, type WattError, wattError } from '../../shared/util/errors.ts'

export interface PointerMark {
  /** Epoch milliseconds (performance.timeOrigin + event.timeStamp in the page). */
  readonly at: number
  /** event.isTrusted of the recorded event. */
  readonly trusted: boolean
}

export interface PresenceProof {
  readonly v: 1
  readonly pointerType: string
  readonly down: PointerMark
  readonly up: PointerMark
  /** Epoch milliseconds of samples taken while the pointer was held down (timer ticks, moves). */
  readonly samples: readonly number[]
  /** Events seen on the button during the press whose isTrusted was false. */
  readonly untrusted: number
}

export const PRESENCE_RULES = {
  /** The shortest hold accepted. */
  minHoldMs: 1500,
  /** A longer hold is not a press any more (a stuck pointer, a replayed recording). */
  maxHoldMs: 30_000,
  /** Hold samples needed, at least this far apart in total. */
  minSamples: 3,
  maxSamples: 256,
  /** The proof must reach the core this soon after the release... */
  maxAgeMs: 10_000,
  /** ...and not from the future (page and core read the same machine clock). */
  maxSkewMs: 2_000,
} as const

export type PresenceError = WattError<'presence_required'> & { readonly reason: string }

const fault = (reason: string): Result<never, PresenceError> =>
  err(wattError('presence_required', { reason }) as PresenceError)

const isMark = (x: unknown): x is PointerMark => {
  const m = x as Record<string, unknown> | null
  return typeof m === 'object' && m !== null && Number.isFinite(m.at) && typeof m.trusted === 'boolean'
}

/** Shape check of untrusted RPC input. */
export const isPresenceProof = (x: unknown): x is PresenceProof => {
  const p = x as Record<string, unknown> | null
  return (
    typeof p === 'object' &&
    p !== null &&
    p.v === 1 &&
    typeof p.pointerType === 'string' &&
    p.pointerType.length <= 16 &&
    isMark(p.down) &&
    isMark(p.up) &&
    Array.isArray(p.samples) &&
    p.samples.length <= PRESENCE_RULES.maxSamples &&
    p.samples.every((t) => Number.isFinite(t)) &&
    Number.isSafeInteger(p.untrusted)
  )
}

/**
 * Checks a proof at core time `nowMs`. `lastDownAt` is the press of the last accepted proof:
 * a proof is good once (a replayed one has the same or an older press).
 */
export const checkPresence = (
  proof: unknown,
  nowMs: number,
  lastDownAt: number,
): Result<PresenceProof, PresenceError> => {
  const r = PRESENCE_RULES
  if (!isPresenceProof(proof)) return fault('missing')
  const { down, up, samples } = proof
  if (!down.trusted || !up.trusted || proof.untrusted !== 0) return fault('untrusted_events')
  const held = up.at - down.at
  if (held < r.minHoldMs) return fault('too_short')
  if (held > r.maxHoldMs) return fault('too_long')
  const inside = samples.filter((t) => t > down.at && t < up.at)
  if (inside.length < r.minSamples) return fault('too_few_samples')
  for (let i = 1; i < samples.length; i++) if (samples[i]! < samples[i - 1]!) return fault('bad_samples')
  if (up.at > nowMs + r.maxSkewMs) return fault('from_the_future')
  if (nowMs - up.at > r.maxAgeMs) return fault('stale')
  if (down.at <= lastDownAt) return fault('replayed')
  return ok(proof)
}
