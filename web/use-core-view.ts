// Keeps a component in step with one view of the core: the service's event, plus a slow poll of
// its status method (a tab may miss events while the core or a service restarts).
import { useEffect, useState } from 'preact/hooks'
import type { RpcClient } from '../worker/rpc/client.ts'

export const useCoreView = <T>(
  rpc: RpcClient,
  event: string,
  method: string,
  pollMs: number,
): [T | undefined, (v: T) => void, () => void] => {
  const [view, setView] = useState<T>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const off = rpc.on(event, (v) => setView(v as T))
    let alive = true
    const poll = () =>
      rpc.call<T>(method, undefined, 5000).then(
        (v) => alive && setView(v),
        () => {},
      )
    void poll()
    const t = setInterval(poll, pollMs)
    return () => {
      alive = false
      off()
      clearInterval(t)
    }
  }, [rpc, event, method, pollMs, tick])
  return [view, setView, () => setTick((n) => n + 1)]
}
