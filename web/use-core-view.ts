// Keeps a component in step with one view of the core: the service's event, plus a slow poll of
// its status method (a tab may miss events while the core or a service restarts). The method must
// take no parameters and answer what the event carries.
import { useEffect, useState } from 'preact/hooks'
import type { CoreRpc, RpcEvents, RpcMethods } from '../worker/app/rpc-api.ts'
import type { MethodName, RequestOf, ResponseOf } from '../worker/rpc/table.ts'

/** The methods that poll event `E`'s view. */
type PollFor<E extends keyof RpcEvents> = {
  [M in MethodName<RpcMethods>]: undefined extends RequestOf<RpcMethods, M>
    ? ResponseOf<RpcMethods, M> extends RpcEvents[E]
      ? M
      : never
    : never
}[MethodName<RpcMethods>]

export const useCoreView = <E extends keyof RpcEvents & string>(
  rpc: CoreRpc,
  event: E,
  method: PollFor<E>,
  pollMs: number,
): [RpcEvents[E] | undefined, (v: RpcEvents[E]) => void, () => void] => {
  const [view, setView] = useState<RpcEvents[E]>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const off = rpc.on(event, setView)
    let alive = true
    const poll = () =>
      rpc.call(method, undefined, 5000).then(
        // PollFor<E> answers what event E carries
        (v) => alive && setView(v as unknown as RpcEvents[E]),
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
