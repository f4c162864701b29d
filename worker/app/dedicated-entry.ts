// Dedicated-worker entry, for browsers without SharedWorker: the owner tab hands in one
// MessagePort per tab; behind them runs the very same core as in the SharedWorker.
import { startNode } from './node.ts'

const pending: MessagePort[] = []
let connect = (p: MessagePort): void => {
  pending.push(p)
}
globalThis.addEventListener('message', (e: MessageEvent) => {
  const port = e.ports[0]
  if (e.data?.kind === 'connect' && port) connect(port)
})
const rpc = await startNode(globalThis.location.origin)
connect = (p) => {
  rpc.connect(p)
}
for (const p of pending.splice(0)) rpc.connect(p)
