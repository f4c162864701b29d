// Pubsub topics of a WATT network. Every message kind has its own topic so that relays and
// peers can apply per-topic limits; the network name keeps devnets and testnets apart.
export const TOPIC_KINDS = ['heartbeat', 'tx', 'scp', 'ledger', 'storage', 'retrieval'] as const
export type TopicKind = (typeof TOPIC_KINDS)[number]

export const topicFor = (network: string, kind: TopicKind): string => `watt/${network}/${kind}/1`

export const allTopics = (network: string): string[] => TOPIC_KINDS.map((k) => topicFor(network, k))

/** Largest pubsub message any WATT topic accepts, in bytes; larger ones are dropped unread. */
export const MAX_TOPIC_MESSAGE_BYTES: Record<TopicKind, number> = {
  heartbeat: 1024,
  tx: 16 * 1024,
  scp: 64 * 1024,
  ledger: 1024 * 1024,
  storage: 64 * 1024,
  /** One signed announcement (worker/retrieval/announce.ts), at most 512 bytes encoded. */
  retrieval: 1024,
}

/** The network name is part of topic strings and URLs: keep it short and plain. */
export const isValidNetworkName = (s: string): boolean => /^[a-z0-9][a-z0-9-]{0,31}$/.test(s)
