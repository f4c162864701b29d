// The PWA's entry: connect to the node core, boot it (with this link's enrollment, if any), take
// part in the host election, render.
import { render } from 'preact'
import { App } from './app.tsx'
import { connectCore } from './core-client.ts'
import { bootWithEnrollment } from './enroll.ts'
import { startHosting } from './host.ts'
import { registerServiceWorker } from './service-worker-client.ts'
import './style.css'

const core = await connectCore()
// the core waits for this call before it loads its identity; the screens may poll meanwhile
void bootWithEnrollment(core.rpc).then((problem) => problem && console.warn(problem))
const hostState = { hosting: false }
startHosting(core, (host) => {
  hostState.hosting = true
  ;(globalThis as { wattHost?: unknown }).wattHost = host
})
addEventListener('pagehide', () => core.rpc.bye())
// the RPC client, for the diagnostics console and the e2e tests (the same calls the screens make)
;(globalThis as { wattCore?: unknown }).wattCore = core.rpc
registerServiceWorker()
render(<App core={core} hostState={hostState} />, document.getElementById('app')!)
