// Keeps the Mine screen in step with the core's mining service (`mining` events plus a slow poll,
// since the service starts only once the ledger has loaded), and small helpers the Mine
// components share: WATT amounts from base-unit strings, invite links, short addresses.
import { useEffect, useState } from 'preact/hooks'
import { useCoreView } from '../use-core-view.ts'
import { formatWatt } from '../../shared/ledger/amount.ts'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'

export const useMining = (rpc: CoreRpc): [MiningView | undefined, () => void] => {
  const [view, , refresh] = useCoreView(rpc, 'mining', 'mining.status', 3000)
  return [view, refresh]
}

/** WATT from a decimal string of base units, thousands grouped for reading ('4,106,776.18'). */
export const wattOf = (units: string | undefined): string => {
  const [whole, frac] = formatWatt(BigInt(units ?? '0')).split('.')
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return frac ? `${grouped}.${frac}` : grouped
}

export const inviteLink = (address: string): string => `${location.origin}/#invite=${address}`

/** The address inside an invite link, or the trimmed text itself. */
export const addressFromText = (text: string): string => {
  const m = /invite=([A-Z2-7]+)/.exec(text)
  return (m?.[1] ?? text).trim()
}

export const shortAddress = (a: string): string => (a.length > 16 ? `${a.slice(0, 8)}…${a.slice(-6)}` : a)

/** Counts down to `atMs` once a second: 'HH:MM:SS'. */
export const useCountdown = (atMs: number): string => {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  const left = Math.max(0, Math.ceil((atMs - now) / 1000))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(left / 3600))}:${pad(Math.floor(left / 60) % 60)}:${pad(left % 60)}`
}
