// Where the gateway gets blocks: the peers the relay is connected to that speak `/watt/retrieve/1`
// (browsers serve it on their WebSocket link to the relay, worker/host/host-streams.ts). A request
// goes to the peer that answered last; when there is none, or it fails, up to `parallel` others are
// asked at once and the first answer whose first block checks out wins (the others are aborted
// and stay candidates). A peer that fails (bad block, refusal, stall, broken stream, junk) is
// dropped for the rest of this gateway request. No voucher is sent: only free data comes back,
// and a server asking payment refuses. Nothing a peer says is trusted: the caller checks every
// block; `good` only picks the winner of a race.
import {
  decodeRetrieveAnswer,
  encodeRetrieveRequest,
  type RetrieveAnswer,
  type RetrieveRequest,
} from '../worker/retrieval/retrieve-wire.ts'

/** The relay's side of the network, a port (libp2p in gateway-net.ts, fakes in tests). */
export interface GatewayNet {
  /** Peers that may serve `/watt/retrieve/1` now (directly connected, speaking it). */
  peers(): Promise<readonly string[]>
  /** One request to `peer`, its answer's bytes; rejects on any failure, or when `signal` aborts. */
  request(peer: string, data: Uint8Array, signal: AbortSignal): Promise<Uint8Array>
}

export interface SourceLimits {
  /** Peers asked at once when a new server is wanted. */
  readonly parallel: number
  /** Peers considered at most. */
  readonly maxPeers: number
  /** One request's answer must come within this. */
  readonly stallMs: number
}

export type NoHolderCode = 'no_holder' | 'not_found' | 'payment_required'

export type Answered =
  | { readonly ok: true; readonly peer: string; readonly blocks: readonly Uint8Array[] }
  | { readonly ok: false; readonly code: NoHolderCode | 'aborted' }

type Ask = Omit<RetrieveRequest, 't' | 'voucher'>

export const createPeerSource = (net: GatewayNet, limits: SourceLimits, signal: AbortSignal) => {
  let candidates: readonly string[] | undefined
  let current: string | undefined
  const dropped = new Set<string>()
  const refusals = new Set<string>()

  /** One request with its own stall timer; undefined when it failed (the reason is recorded). */
  const ask = async (peer: string, req: Ask, abort: AbortSignal): Promise<RetrieveAnswer | undefined> => {
    try {
      const s = AbortSignal.any([abort, AbortSignal.timeout(limits.stallMs)])
      const a = decodeRetrieveAnswer(await net.request(peer, encodeRetrieveRequest(req), s))
      if (a?.t === 'refused') refusals.add(a.code)
      return a
    } catch {
      return undefined
    }
  }

  const usable = (a: RetrieveAnswer | undefined, good: (first: Uint8Array) => boolean) =>
    a?.t === 'blocks' && a.blocks[0] !== undefined && good(a.blocks[0]) ? a.blocks : undefined

  /** Asks `pool` at once; the first usable answer wins, the others are aborted (not dropped). */
  const race = (pool: readonly string[], req: Ask, good: (b: Uint8Array) => boolean, sig: AbortSignal) =>
    new Promise<Answered | undefined>((resolve) => {
      const stop = new AbortController()
      const abort = AbortSignal.any([sig, stop.signal])
      let left = pool.length
      for (const peer of pool) {
        void ask(peer, req, abort).then((a) => {
          const blocks = usable(a, good)
          if (blocks && !stop.signal.aborted) {
            stop.abort()
            resolve({ ok: true, peer, blocks })
          } else if (!abort.aborted) dropped.add(peer)
          if (--left === 0) resolve(undefined)
        })
      }
    })

  const noHolder = (): Answered => ({
    ok: false,
    code: signal.aborted
      ? 'aborted'
      : refusals.has('payment_required')
        ? 'payment_required'
        : refusals.size > 0
          ? 'not_found'
          : 'no_holder',
  })

  /** The next answer for `req` whose first block passes `good`; `deadline` bounds this call. */
  const answer = async (req: Ask, good: (b: Uint8Array) => boolean, deadline?: AbortSignal) => {
    const sig = deadline ? AbortSignal.any([signal, deadline]) : signal
    if (current !== undefined) {
      const blocks = usable(await ask(current, req, sig), good)
      if (blocks) return { ok: true, peer: current, blocks } satisfies Answered
      drop(current)
    }
    candidates ??= (await net.peers()).slice(0, limits.maxPeers)
    while (!sig.aborted) {
      const pool = candidates.filter((p) => !dropped.has(p)).slice(0, limits.parallel)
      if (pool.length === 0) break
      const won = await race(pool, req, good, sig)
      if (won?.ok) current = won.peer
      if (won) return won
    }
    return noHolder()
  }

  /** `peer` sent a bad block: nothing more is asked of it. */
  const drop = (peer: string) => {
    dropped.add(peer)
    if (current === peer) current = undefined
  }

  return { answer, drop }
}

export type PeerSource = ReturnType<typeof createPeerSource>
