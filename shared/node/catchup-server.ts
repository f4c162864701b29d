// Answering catch-up requests without becoming an amplifier (issue 12, finding 5). A request is
// a few bytes; an answer is up to 32 ledgers with their proofs, sent to the whole topic. So:
// - only a node that holds the requested ledgers answers (a request from ahead gets nothing);
// - each node answers at most once per ANSWER_EVERY_MS, whoever asks and however often;
// - every caught-up node would otherwise answer the same request: each waits a short delay of
//   its own (derived from its node id and the request, no randomness) and stays silent when
//   another node's answer to that range went out meanwhile, so one request draws about one answer.
import { BoundedMap } from './bounded-map.ts'
import { collectCatchupBatch, type LedgerHistory } from './catchup.ts'
import { type ArchivedLedger, encodeMessage, MAX_CATCHUP_BATCH } from './messages.ts'

export type CatchupServerCode =
  | 'catchup_req_ahead'
  | 'catchup_req_answered'
  | 'catchup_req_throttled'
  | 'catchup_req_queued'
  | 'catchup_req_missing'
  | 'catchup_answered'

export const CATCHUP_SERVER_LIMITS = {
  /** One answer per node at most this often. */
  answerEveryMs: 2_000,
  /** An answer that went out covers its range for this long. */
  answeredForMs: 2_000,
  /** A node's own answer delay lies in [0, this). */
  maxDelayMs: 400,
} as const

export interface CatchupServerPorts {
  now(): number
  setTimer(ms: number, cb: () => void): () => void
  publish(data: Uint8Array): void
  /** The last closed ledger's sequence number. */
  seq(): number
  memory(seq: number): ArchivedLedger | undefined
  history: LedgerHistory | undefined
  count(code: CatchupServerCode): void
}

/** FNV-1a of the node id and the range start: a fixed, per-node spread of answer delays. */
const delayFor = (nodeId: string, from: number, max: number): number => {
  let h = 0x811c9dc5
  for (const ch of `${nodeId}/${from}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
  return h % max
}

export const createCatchupServer = (
  nodeId: string,
  p: CatchupServerPorts,
  limits = CATCHUP_SERVER_LIMITS,
) => {
  let lastAnswerAt = Number.NEGATIVE_INFINITY
  let queued = false
  /** First ledger of an answer heard (or sent) -> when. */
  const answered = new BoundedMap<number, number>(64)

  const coveredRecently = (from: number): boolean => {
    const at = answered.get(from)
    return at !== undefined && p.now() - at < limits.answeredForMs
  }

  const answer = async (from: number, limit: number) => {
    queued = false
    if (coveredRecently(from)) return p.count('catchup_req_answered')
    const batch = await collectCatchupBatch(from, Math.min(limit, MAX_CATCHUP_BATCH), p.memory, p.history)
    if (batch.length === 0) return p.count('catchup_req_missing')
    lastAnswerAt = p.now()
    answered.set(from, lastAnswerAt)
    p.count('catchup_answered')
    p.publish(encodeMessage({ type: 'catchup-res', ledgers: batch }))
  }

  return {
    request(from: number, limit: number) {
      if (from > p.seq() || limit < 1) return p.count('catchup_req_ahead')
      if (coveredRecently(from)) return p.count('catchup_req_answered')
      if (p.now() - lastAnswerAt < limits.answerEveryMs) return p.count('catchup_req_throttled')
      if (queued) return p.count('catchup_req_queued')
      queued = true
      p.setTimer(delayFor(nodeId, from, limits.maxDelayMs), () => void answer(from, limit))
    },
    /** Another node's answer went out: it covers requests from its first ledger on. */
    heard(ledgers: readonly ArchivedLedger[]) {
      if (ledgers.length > 0) answered.set(ledgers[0]!.seq, p.now())
    },
  }
}
