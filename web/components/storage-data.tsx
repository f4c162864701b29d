// Keeps the Storage screen in step with the core's storage service (`storage` events plus a slow
// poll, since a tab may miss events while the core restarts) and formats byte counts.
import { useCoreView } from '../use-core-view.ts'
import type { StorageView } from '../../worker/storage/storage-view.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'

export const useStorage = (rpc: CoreRpc): [StorageView | undefined, (v: StorageView) => void] => {
  const [view, setView] = useCoreView(rpc, 'storage', 'storage.view', 3000)
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
