// Every fuzz target, in the order `npm run fuzz` runs them. A module that adds a decoder or guard
// peer input reaches (deal and proof messages, retrieval requests, CAR readers...) adds its
// target here: one entry, usually one line.
import type { Target } from './target.ts'
import { documentTargets } from './targets/documents.ts'
import { gossipTargets } from './targets/gossip.ts'
import { marketTargets } from './targets/market.ts'
import { nodeTargets } from './targets/node.ts'
import { relayTargets } from './targets/relay.ts'
import { retrieveWireTargets } from './targets/retrieve-wire.ts'
import { retrievalTargets } from './targets/retrieval.ts'
import { storageTargets } from './targets/storage.ts'
import { tabTargets } from './targets/tab.ts'

export const TARGETS: readonly Target[] = [
  ...gossipTargets,
  ...nodeTargets,
  ...documentTargets,
  ...storageTargets,
  ...marketTargets,
  ...retrievalTargets,
  ...retrieveWireTargets,
  ...tabTargets,
  ...relayTargets,
]

export const targetNamed = (name: string): Target | undefined => TARGETS.find((t) => t.name === name)
