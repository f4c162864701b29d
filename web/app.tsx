// The app shell: a header with the node's status and a bottom tab bar, phone-first.
import { useState } from 'preact/hooks'
import type { CoreConnection } from './core-client.ts'
import { MineScreen } from './screens/mine-screen.tsx'
import { SimScreen } from './screens/sim-screen.tsx'
import { NodeScreen } from './screens/node-screen.tsx'
import { StorageScreen } from './screens/storage-screen.tsx'
import { WalletScreen } from './screens/wallet-screen.tsx'
import { useSnapshot } from './use-snapshot.ts'

interface Props {
  core: CoreConnection
  hostState: { hosting: boolean }
}

const SCREENS = [
  { id: 'node', label: 'Node', icon: '◉' },
  { id: 'wallet', label: 'Wallet', icon: '◈' },
  { id: 'mine', label: 'Mine', icon: '⚡' },
  { id: 'storage', label: 'Storage', icon: '▤' },
  { id: 'sim', label: 'Simulate', icon: '◌' },
] as const
type ScreenId = (typeof SCREENS)[number]['id']

export const App = ({ core, hostState }: Props) => {
  const snap = useSnapshot(core.rpc)
  const [screen, setScreen] = useState<ScreenId>('node')
  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          <span class="logo">⚡</span> WATT
        </div>
        <span class={`pill pill-${snap?.status ?? 'starting'}`}>{snap?.status ?? 'starting'}</span>
      </header>
      <main class="content">
        {screen === 'node' && <NodeScreen snap={snap} core={core} hostState={hostState} />}
        {screen === 'wallet' && <WalletScreen core={core} />}
        {screen === 'mine' && <MineScreen core={core} />}
        {screen === 'storage' && <StorageScreen core={core} />}
        {screen === 'sim' && <SimScreen rpc={core.rpc} />}
      </main>
      <nav class="tabbar">
        {SCREENS.map((s) => (
          <button
            type="button"
            key={s.id}
            class={screen === s.id ? 'tab active' : 'tab'}
            data-testid={`tab-${s.id}`}
            onClick={() => setScreen(s.id)}
          >
            <span class="tab-icon">{s.icon}</span>
            {s.label}
          </button>
        ))}
      </nav>
    </div>
  )
}
