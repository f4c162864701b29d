// Keeps a Preact component in step with the core's snapshot events.
import { useCoreView } from './use-core-view.ts'
import type { NodeSnapshot } from '../worker/core/snapshot.ts'
import type { RpcClient } from '../worker/rpc/client.ts'

export const useSnapshot = (rpc: RpcClient): NodeSnapshot | undefined =>
  useCoreView<NodeSnapshot>(rpc, 'snapshot', 'snapshot', 2000)[0]
