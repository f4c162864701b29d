// Keeps a Preact component in step with the core's snapshot events.
import { useEffect, useState } from 'preact/hooks'
import type { NodeSnapshot } from '../worker/core/snapshot.ts'
import type { RpcClient } from '../worker/rpc/client.ts'

export const useSnapshot = (rpc: RpcClient): NodeSnapshot | undefined => {
  const [snap, setSnap] = useState<NodeSnapshot>()
  useEffect(() => {
    const off = rpc.on('snapshot', (s) => setSnap(s as NodeSnapshot))
    let alive = true
    const poll = () =>
      rpc.call<NodeSnapshot>('snapshot', undefined, 5000).then(
        (s) => alive && setSnap(s),
        () => {},
      )
    void poll()
    const t = setInterval(poll, 2000)
    return () => {
      alive = false
      off()
      clearInterval(t)
    }
  }, [rpc])
  return snap
}
