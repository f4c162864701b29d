// The proof worker's entry point: `new Worker(new URL('../worker/proof/entry.ts', import.meta.url),
// { type: 'module' })` from the host tab. Sectors live in OPFS (sync access handles exist only in
// dedicated workers); requests and events are those of ./protocol.ts. Large results are
// transferred, not copied.
import { loadSha256 } from '../../shared/storage/hash.ts'
import { opfsFiles } from './files.ts'
import { type ProofEvent, isProofRequest } from './protocol.ts'
import { createProver } from './prover.ts'

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void
  onmessage: ((ev: MessageEvent) => void) | null
}
const scope = globalThis as unknown as WorkerScope

const send = (e: ProofEvent): void => {
  const transfer: Transferable[] = []
  if (e.type === 'done') {
    const r = e.result
    if (r.type === 'seal-proof' || r.type === 'window-post') transfer.push(r.proof.buffer as ArrayBuffer)
    if (r.type === 'unsealed') transfer.push(r.bytes.buffer as ArrayBuffer)
  }
  scope.postMessage(e, transfer)
}

const prover = loadSha256().then((hash) =>
  createProver({
    files: opfsFiles(navigator.storage.getDirectory() as never),
    hash,
    emit: send,
    yieldNow: () => new Promise((resolve) => setTimeout(resolve, 0)),
  }),
)

scope.onmessage = (ev: MessageEvent) => {
  const req: unknown = ev.data
  if (!isProofRequest(req)) {
    const id = typeof (req as { id?: unknown })?.id === 'number' ? (req as { id: number }).id : 0
    send({ type: 'failed', id, error: { code: 'bad_request' } })
    return
  }
  void prover.then((p) => p.handle(req))
}
