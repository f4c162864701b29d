// SharedWorker entry: one node core for every tab of this browser profile.
import { startNode } from './node.ts'

interface SharedScope {
  onconnect: ((e: MessageEvent) => void) | null
  location: Location
}
const scope = globalThis as unknown as SharedScope
const pending: MessagePort[] = []
scope.onconnect = (e) => {
  const port = e.ports[0]
  if (port) pending.push(port)
}
const rpc = await startNode(scope.location.origin)
scope.onconnect = (e) => {
  const port = e.ports[0]
  if (port) rpc.connect(port)
}
for (const p of pending.splice(0)) rpc.connect(p)
