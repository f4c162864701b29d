// The host tab's proof workers: dedicated Web Workers (the only contexts with OPFS sync access)
// that the SharedWorker core cannot start itself. For each worker the tab makes a MessageChannel,
// relays messages between the worker and its end (transferring byte buffers, never copying them
// twice), hands the other end to the core as a `compute` port, and holds a Web Lock for as long
// as the worker lives: the core watches that lock to learn when the worker is gone. A worker that
// crashes is replaced; closing or reloading the tab ends workers and locks together.
import type { ComputeHello } from '../storage/compute-pool.ts'

/** Workers per host tab: two lets a window proof run beside a long seal. */
export const PROOF_WORKERS = 2

type Attach = (port: MessagePort) => void

/** The ArrayBuffers of the Uint8Arrays directly inside a message (requests and results). */
const buffersOf = (m: unknown): ArrayBuffer[] => {
  const out = new Set<ArrayBuffer>()
  const visit = (v: unknown, depth: number) => {
    if (v instanceof Uint8Array && v.buffer instanceof ArrayBuffer) out.add(v.buffer)
    else if (depth < 2 && typeof v === 'object' && v !== null)
      for (const x of Object.values(v)) visit(x, depth + 1)
  }
  visit(m, 0)
  return [...out]
}

const spawn = (attach: Attach): void => {
  const worker = new Worker(new URL('../proof/entry.ts', import.meta.url), { type: 'module' })
  const ch = new MessageChannel()
  const lock = `watt-compute-${crypto.randomUUID()}`
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  worker.onmessage = (e) => ch.port1.postMessage(e.data, buffersOf(e.data))
  ch.port1.onmessage = (e) => worker.postMessage(e.data, buffersOf(e.data))
  worker.onerror = (e) => {
    console.warn('proof worker failed; starting another', e.message)
    worker.terminate()
    ch.port1.close()
    release()
    spawn(attach)
  }
  void navigator.locks.request(lock, () => {
    const hello: ComputeHello = { type: 'compute-hello', lock }
    ch.port1.postMessage(hello)
    attach(ch.port2)
    return held
  })
}

/** Starts the proof workers of this host tab and attaches each to the core. */
export const startProofWorkers = (attach: Attach, count = PROOF_WORKERS): void => {
  if (typeof Worker === 'undefined' || !('locks' in navigator)) return
  for (let i = 0; i < count; i++) spawn(attach)
}
