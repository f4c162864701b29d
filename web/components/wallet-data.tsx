// Keeps the wallet screen in step with the core's wallet service: `wallet` events plus a slow
// poll (a tab may miss events while the core restarts), and the RPC error shape for messages.
import { useCoreView } from '../use-core-view.ts'
import type { WattError } from '../../shared/util/errors.ts'
import type { RpcClient } from '../../worker/rpc/client.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'

export const useWallet = (rpc: RpcClient): [WalletView | undefined, (v: WalletView) => void] => {
  const [view, setView] = useCoreView<WalletView>(rpc, 'wallet', 'wallet.status', 3000)
  return [view, setView]
}

/** One line for an error: its code, then the detail that says which part was wrong. */
export const describeError = (e: unknown): string => {
  const w = e as WattError
  if (typeof w?.code !== 'string') return String(e)
  const detail = [w.reason, w.field, w.word === undefined ? undefined : `word ${String(w.word)}`]
    .filter((x) => x !== undefined)
    .join(', ')
  return detail ? `${w.code} (${String(detail)})` : w.code
}

export const shortId = (id: string, keep = 8) =>
  id.length > keep * 2 + 1 ? `${id.slice(0, keep)}…${id.slice(-keep)}` : id
