// Keeps a Preact component in step with the core's snapshot events.
import { useCoreView } from './use-core-view.ts'
import type { NodeSnapshot } from '../worker/core/snapshot.ts'
import type { CoreRpc } from '../worker/app/rpc-api.ts'

export const useSnapshot = (rpc: CoreRpc): NodeSnapshot | undefined =>
  useCoreView(rpc, 'snapshot', 'snapshot', 2000)[0]
