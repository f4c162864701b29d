// Announcements over gossip (issue 15, item 4): a node serving its cache says so for each whole
// file it holds, "CID at this peer until T", signed with its account key
// (shared/retrieval/find-announcements.ts), on the network's `retrieval` topic. Each expires
// ANNOUNCE_TTL_MS after it is made (under the tables' 1-hour bound, with room for clock skew) and
// is made again RENEW_BEFORE_MS before it ends, as long as the file is cached and serving is on;
// an evicted file is simply not announced again and its announcement runs out. A tick sends at most
// MAX_ANNOUNCE_PER_TICK, so a full cache does not flood the topic. Received ones must name the peer
// that signed the gossip message (a node cannot send fetchers to someone else) before the table
// checks shape, expiry and signature.
import type { Signer } from '../../shared/crypto/signer.ts'
import {
  type Announcement,
  decodeAnnouncement,
  encodeAnnouncement,
  signAnnouncement,
} from '../../shared/retrieval/find-announcements.ts'

export const ANNOUNCE_TTL_MS = 50 * 60_000
export const RENEW_BEFORE_MS = 15 * 60_000
export const MAX_ANNOUNCE_PER_TICK = 32

export interface AnnouncerDeps {
  readonly signer: Signer
  /** This node's libp2p peer id: where fetchers reach it. */
  readonly peer: string
  readonly publish: (data: Uint8Array) => void
  readonly now: () => number
}

export const createAnnouncer = (d: AnnouncerDeps) => {
  /** CID -> the expiry last announced. */
  const sent = new Map<string, number>()
  return {
    /**
     * Announces each of `cids` (the whole files to serve, most recently used last) not announced
     * yet or ending within RENEW_BEFORE_MS; forgets the rest. Returns the CIDs announced.
     */
    async due(cids: readonly string[]): Promise<string[]> {
      const live = new Set(cids)
      for (const cid of [...sent.keys()]) if (!live.has(cid)) sent.delete(cid)
      const now = d.now()
      const todo = [...cids].reverse().filter((cid) => (sent.get(cid) ?? 0) - now <= RENEW_BEFORE_MS)
      const done = todo.slice(0, MAX_ANNOUNCE_PER_TICK)
      for (const cid of done) {
        const expires = now + ANNOUNCE_TTL_MS
        d.publish(encodeAnnouncement(await signAnnouncement(d.signer, { cid, peer: d.peer, expires })))
        sent.set(cid, expires)
      }
      return done
    },
  }
}

/** An announcement from the topic, when it decodes and names the peer that sent it. */
export const receivedAnnouncement = (data: Uint8Array, from: string): Announcement | undefined => {
  const a = decodeAnnouncement(data)
  return a && a.peer === from ? a : undefined
}
