// Typed errors: plain `{ code, ...details }` data that survives structured clone across
// the worker boundary and is matched on `code`, never on message text.
export interface WattError<C extends string = string> {
  readonly code: C
  readonly message?: string
  readonly [detail: string]: unknown
}

export type Result<T, E extends WattError = WattError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E }

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })
export const err = <E extends WattError>(error: E): { ok: false; error: E } => ({ ok: false, error })

export const wattError = <C extends string>(
  code: C,
  details: Record<string, unknown> = {},
): WattError<C> => ({ ...details, code })

/** An Error subclass carrying a WattError, for code paths that throw; `toData` strips it back to data. */
export class WattFailure extends Error {
  readonly data: WattError
  constructor(data: WattError) {
    super(data.message ?? data.code)
    this.name = 'WattFailure'
    this.data = data
  }
}

export const fail = (code: string, details: Record<string, unknown> = {}): never => {
  throw new WattFailure(wattError(code, details))
}

export const isWattError = (x: unknown): x is WattError =>
  typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string'

/** Turns anything thrown into WattError data, keeping typed failures as they are. */
export const toWattError = (e: unknown): WattError => {
  if (e instanceof WattFailure) return e.data
  if (isWattError(e)) return e
  return wattError('internal', { message: e instanceof Error ? e.message : String(e) })
}
