// Per-topic size limits for the relay's pubsub: a message larger than its topic allows is
// rejected (never delivered, never forwarded, and the sender's gossipsub score pays for it)
// and counted. Topics outside the network's list are refused by gossipsub's allowedTopics.
import { type GossipSub, TopicValidatorResult } from '@libp2p/gossipsub'
import { MAX_TOPIC_MESSAGE_BYTES, TOPIC_KINDS, topicFor } from '../shared/net/topics.ts'

/** The largest message any topic accepts; the stream frame limit is derived from it. */
export const LARGEST_TOPIC_MESSAGE = Math.max(...TOPIC_KINDS.map((k) => MAX_TOPIC_MESSAGE_BYTES[k]))

export interface TopicLimits {
  /** Rejected messages so far, by topic string. */
  rejected(): Record<string, number>
}

export const installTopicLimits = (
  pubsub: GossipSub,
  network: string,
  onReject: (topic: string, size: number, limit: number) => void,
): TopicLimits => {
  const counts: Record<string, number> = {}
  for (const kind of TOPIC_KINDS) {
    const topic = topicFor(network, kind)
    const limit = MAX_TOPIC_MESSAGE_BYTES[kind]
    counts[topic] = 0
    pubsub.topicValidators.set(topic, (_peer, message) => {
      if (message.data.byteLength <= limit) return TopicValidatorResult.Accept
      counts[topic] = (counts[topic] ?? 0) + 1
      onReject(topic, message.data.byteLength, limit)
      return TopicValidatorResult.Reject
    })
  }
  return { rejected: () => ({ ...counts }) }
}
