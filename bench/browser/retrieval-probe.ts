// Page-side steps of the retrieval benchmark, through the app's own RPC client
// (`globalThis.wattCore`, the calls the screens make): store a file of seeded pseudo-random bytes
// with the storage service, set serving, ask who holds a CID (retrieval.quote), and fetch a CID
// with retrieval.fetch timed from the call to its answer and to the first `retrieval` progress
// event with bytes > 0, the file's SHA-256 worked out in the page. Every function here runs
// inside the page (passed to page.evaluate), so each is self-contained: no imports, no outer
// variables; `installBenchCore` puts the client they share on globalThis first.

type Core = {
  call(method: string, params?: unknown, timeoutMs?: number): Promise<unknown>
  on(event: string, listener: (data: unknown) => void): () => void
}
type CoreGlobal = { wattCore?: Core; benchCore?: Core }

/** The app's RPC client as `benchCore`, its rejections (plain WattError objects) made Errors that
 * page.evaluate reports with their code and details. */
export const installBenchCore = (): void => {
  const core = (globalThis as CoreGlobal).wattCore
  if (!core) throw new Error('no wattCore in this tab')
  ;(globalThis as CoreGlobal).benchCore = {
    call: (method, params, timeoutMs) =>
      core.call(method, params, timeoutMs).catch((e: unknown) => {
        throw new Error(`${method}: ${JSON.stringify(e)}`)
      }),
    on: (event, listener) => core.on(event, listener),
  }
}

/** Offers 1 GiB and stores `bytes` pseudo-random bytes (xorshift32 from `seed`) as one file. */
export const storeSeeded = async (a: { seed: number; bytes: number }) => {
  const core = (globalThis as CoreGlobal).benchCore!
  await core.call('storage.setOffer', { offerBytes: 1 << 30 })
  const words = new Uint32Array(a.bytes / 4)
  let x = a.seed >>> 0 || 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  const file = new File([words], `seed-${a.seed}.bin`)
  const stored = (await core.call('storage.store', { file }, 120_000)) as { cid: string }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', words))
  return { cid: stored.cid, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') }
}

/** Turns serving on or off, free, with a 1 GiB cache budget. */
export const setServing = async (enabled: boolean): Promise<void> => {
  const core = (globalThis as CoreGlobal).benchCore!
  await core.call('retrieval.serve.set', { enabled, budgetBytes: 1 << 30, pricePerByte: '0' })
}

/** The peers retrieval.quote names for `cid` (holders that answered their terms). */
export const quotedHolders = async (cid: string): Promise<string[]> => {
  const core = (globalThis as CoreGlobal).benchCore!
  const q = (await core.call('retrieval.quote', { cid }, 30_000)) as { holders: { peer: string }[] }
  return q.holders.map((h) => h.peer)
}

/** Fetches `cid` (free) with retrieval.fetch: milliseconds to the answer and to the first verified byte. */
export const timedFetch = async (cid: string) => {
  const core = (globalThis as CoreGlobal).benchCore!
  let firstByteMs: number | undefined
  const t0 = performance.now()
  const off = core.on('retrieval', (p) => {
    const e = p as { cid: string; bytes: number }
    if (e.cid === cid && e.bytes > 0 && firstByteMs === undefined) firstByteMs = performance.now() - t0
  })
  try {
    const r = (await core.call('retrieval.fetch', { cid, maxPay: '0' }, 300_000)) as {
      bytes: number
      blob: Blob
      servers: { peer: string; verifiedBytes: number }[]
    }
    const ms = performance.now() - t0
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await r.blob.arrayBuffer()))
    const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
    return {
      ms,
      firstByteMs,
      bytes: r.bytes,
      sha256,
      servers: r.servers.filter((s) => s.verifiedBytes > 0).length,
    }
  } finally {
    off()
  }
}
