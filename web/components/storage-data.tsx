// Keeps the Storage screen in step with the core's storage service (`storage` events plus a slow
// poll, since a tab may miss events while the core restarts) and formats byte counts.
import { useEffect, useState } from 'preact/hooks'
import type { StorageView } from '../../worker/storage/storage-view.ts'
import type { RpcClient } from '../../worker/rpc/client.ts'

export const useStorage = (rpc: RpcClient): [StorageView | undefined, (v: StorageView) => void] => {
  const [view, setView] = useState<StorageView>()
  useEffect(() => {
    const off = rpc.on('storage', (v) => setView(v as StorageView))
    let alive = true
    const poll = () =>
      rpc.call<StorageView>('storage.view', undefined, 5000).then(
        (v) => alive && setView(v),
        () => {},
      )
    void poll()
    const t = setInterval(poll, 3000)
    return () => {
      alive = false
      off()
      clearInterval(t)
    }
  }, [rpc])
  return [view, setView]
}

export const GiB = 1 << 30
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export const formatBytes = (n: number): string => {
  let v = n
  let u = 0
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`
}
