// Per-topic size limits for the relay's pubsub: a message larger than its topic allows is
// rejected (never delivered, never forwarded, and the sender's gossipsub score pays for it)
// and counted, as are all messages in and out per topic (served at /metrics). Topics outside the network's list are refused by gossipsub's allowedTopics.
import { type GossipSub, TopicValidatorResult } from '@libp2p/gossipsub'
import { MAX_TOPIC_MESSAGE_BYTES, TOPIC_KINDS, topicFor } from '../shared/net/topics.ts'

/** The largest message any topic accepts; the stream frame limit is derived from it. */
export const LARGEST_TOPIC_MESSAGE = Math.max(...TOPIC_KINDS.map((k) => MAX_TOPIC_MESSAGE_BYTES[k]))

export interface TopicLimits {
  /** Rejected messages so far, by topic string. */
  rejected(): Record<string, number>
  /** Messages received so far (accepted and rejected), by topic string. */
  received(): Record<string, number>
  /** Messages sent to peers so far (forwarded or gossiped on request), by topic string. */
  sent(): Record<string, number>
}

interface RpcSender {
  sendRpc(id: string, rpc: { messages?: { topic?: string }[] }): boolean
}

export const installTopicLimits = (
  pubsub: GossipSub,
  network: string,
  onReject: (topic: string, size: number, limit: number) => void,
): TopicLimits => {
  const counts: Record<string, number> = {}
  const received: Record<string, number> = {}
  const sent: Record<string, number> = {}
  for (const kind of TOPIC_KINDS) {
    const topic = topicFor(network, kind)
    const limit = MAX_TOPIC_MESSAGE_BYTES[kind]
    counts[topic] = 0
    received[topic] = 0
    sent[topic] = 0
    pubsub.topicValidators.set(topic, (_peer, message) => {
      received[topic] = (received[topic] ?? 0) + 1
      if (message.data.byteLength <= limit) return TopicValidatorResult.Accept
      counts[topic] = (counts[topic] ?? 0) + 1
      onReject(topic, message.data.byteLength, limit)
      return TopicValidatorResult.Reject
    })
  }
  // every RPC the relay sends passes sendRpc: count its messages per topic (topics outside the
  // network's list never get this far: gossipsub's allowedTopics drops them on the way in)
  const sender = pubsub as unknown as Partial<RpcSender>
  if (typeof sender.sendRpc !== 'function') throw new Error('gossipsub internals changed: no sendRpc')
  const sendRpc = sender.sendRpc.bind(pubsub)
  sender.sendRpc = (id, rpc) => {
    const ok = sendRpc(id, rpc)
    if (ok)
      for (const m of rpc.messages ?? [])
        if (m.topic !== undefined && m.topic in sent) sent[m.topic] = (sent[m.topic] ?? 0) + 1
    return ok
  }
  return { rejected: () => ({ ...counts }), received: () => ({ ...received }), sent: () => ({ ...sent }) }
}
