// Joins the host election; the winning tab runs the network host (libp2p) and hands the
// core its end of the network port.
import { joinHostElection } from '../worker/host/election.ts'
import { startProofWorkers } from '../worker/host/proof-pool.ts'
import { type NetworkHost, runNetworkHost } from '../worker/host/libp2p-host.ts'
import type { CoreConnection } from './core-client.ts'

export const startHosting = (core: CoreConnection, onHosting: (h: NetworkHost) => void): void => {
  // a tab reaching the core over the broadcast bus cannot hand it a port; its owner hosts
  if (core.mode === 'broadcast') return
  joinHostElection(() => {
    const ch = new MessageChannel()
    const host = runNetworkHost(ch.port1)
    core.rpc.attach('host', ch.port2)
    startProofWorkers((port) => core.rpc.attach('compute', port))
    addEventListener('pagehide', () => void host.stop())
    onHosting(host)
  })
}
