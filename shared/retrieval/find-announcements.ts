// Holders the ledger does not know (issue 15, item 1): a node that caches a file says so with a
// signed announcement, "CID at peer P until time T", signed by the account key its address names.
// The table keeps the ones it could verify, for a bounded time, a bounded number per announcer and
// in all; what it drops when full is decided by expiry alone (then by key), so every node with the
// same announcements keeps the same ones. Pure: the clock and the verifier come in as arguments.
// Transport is left to the caller (a gossip topic or a request/response protocol carries
// `encodeAnnouncement` bytes; `offer` takes them back).
import { decode, encode } from '../codec/dag-cbor.ts'
import { isIndex, isObj } from '../codec/guarded.ts'
import { addressOf, parseAddress } from '../crypto/address.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'

export interface Announcement {
  readonly cid: string
  /** The libp2p peer id to fetch from. */
  readonly peer: string
  /** The announcer's account address: its key signed `sig`. */
  readonly address: string
  /** Milliseconds since the epoch after which it says nothing. */
  readonly expires: number
  readonly sig: Uint8Array
}

export interface AnnouncementLimits {
  /** Announcements kept per announcer (address). */
  readonly perNode: number
  readonly total: number
  /** How far ahead an expiry may be; a later one is dropped (a holder says it again instead). */
  readonly maxTtlMs: number
}

export const ANNOUNCEMENT_LIMITS: AnnouncementLimits = { perNode: 256, total: 4096, maxTtlMs: 60 * 60_000 }
const MAX_ANNOUNCEMENT_BYTES = 512
const DOMAIN = 'watt/retrieve/announce/1'

export type OfferResult = 'added' | 'renewed' | 'stale' | 'expired' | 'malformed' | 'bad_signature' | 'full'

const signedPart = (a: Omit<Announcement, 'sig'>): Uint8Array =>
  encode({ t: DOMAIN, cid: a.cid, peer: a.peer, address: a.address, expires: a.expires })

/** Signs "`cid` is at `peer` until `expires`" with the announcer's key. */
export const signAnnouncement = async (
  signer: Signer,
  a: { cid: string; peer: string; expires: number },
): Promise<Announcement> => {
  const body = { cid: a.cid, peer: a.peer, address: addressOf(signer.publicKey), expires: a.expires }
  return { ...body, sig: await signer.sign(signedPart(body)) }
}

const isText = (x: unknown, max: number): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= max

export const isAnnouncement = (x: unknown): x is Announcement =>
  isObj(x) &&
  isText(x['cid'], 128) &&
  isText(x['peer'], 64) &&
  isText(x['address'], 64) &&
  isIndex(x['expires']) &&
  x['sig'] instanceof Uint8Array &&
  x['sig'].length === 64

export const encodeAnnouncement = (a: Announcement): Uint8Array =>
  encode({ cid: a.cid, peer: a.peer, address: a.address, expires: a.expires, sig: a.sig })

/** The announcement in `bytes` (strict DAG-CBOR, guarded), or undefined. */
export const decodeAnnouncement = (bytes: Uint8Array): Announcement | undefined => {
  const d = decode(bytes, MAX_ANNOUNCEMENT_BYTES)
  return d.ok && isAnnouncement(d.value) ? d.value : undefined
}

const keyOf = (a: { address: string; cid: string }) => `${a.address} ${a.cid}`

/** Expiry first, then key: the one a full table gives up first. */
const earliest = (xs: Iterable<Announcement>): Announcement | undefined => {
  let min: Announcement | undefined
  for (const a of xs)
    if (!min || a.expires < min.expires || (a.expires === min.expires && keyOf(a) < keyOf(min))) min = a
  return min
}

export const createAnnouncementTable = (verifier: Verifier, limits = ANNOUNCEMENT_LIMITS) => {
  const byKey = new Map<string, Announcement>()
  const byNode = new Map<string, Map<string, Announcement>>()

  const remove = (a: Announcement) => {
    byKey.delete(keyOf(a))
    const mine = byNode.get(a.address)
    mine?.delete(a.cid)
    if (mine?.size === 0) byNode.delete(a.address)
  }
  const insert = (a: Announcement) => {
    byKey.set(keyOf(a), a)
    byNode.set(a.address, (byNode.get(a.address) ?? new Map()).set(a.cid, a))
  }
  const prune = (now: number) => {
    for (const a of [...byKey.values()]) if (a.expires <= now) remove(a)
  }

  /** Makes room for `a` under a full bound by dropping the earliest of `pool`, unless `a` is earlier. */
  const roomIn = (pool: Iterable<Announcement>, a: Announcement): boolean => {
    const victim = earliest(pool)
    if (!victim || earliest([victim, a]) === a) return false
    remove(victim)
    return true
  }

  const place = (a: Announcement, now: number): OfferResult => {
    const old = byKey.get(keyOf(a))
    if (old && old.expires >= a.expires) return 'stale'
    if (old) {
      remove(old)
      insert(a)
      return 'renewed'
    }
    if ((byNode.get(a.address)?.size ?? 0) >= limits.perNode && !roomIn(byNode.get(a.address)!.values(), a))
      return 'full'
    if (byKey.size >= limits.total) prune(now)
    if (byKey.size >= limits.total && !roomIn(byKey.values(), a)) return 'full'
    insert(a)
    return 'added'
  }

  return {
    /** Checks an announcement (shape, expiry, signature) and keeps it if it earns a place. */
    async offer(x: unknown, now: number): Promise<OfferResult> {
      if (!isAnnouncement(x)) return 'malformed'
      if (x.expires <= now || x.expires > now + limits.maxTtlMs) return 'expired'
      const key = parseAddress(x.address)
      if (!key.ok) return 'malformed'
      if (!(await verifier.verify(key.value, signedPart(x), x.sig))) return 'bad_signature'
      return place(x, now)
    },
    /** The live announcements of `cid`, latest expiry first. */
    holders(cid: string, now: number): Announcement[] {
      prune(now)
      return [...byKey.values()].filter((a) => a.cid === cid).sort((a, b) => b.expires - a.expires)
    },
    prune,
    size: () => byKey.size,
    sizeOf: (address: string) => byNode.get(address)?.size ?? 0,
  }
}

export type AnnouncementTable = ReturnType<typeof createAnnouncementTable>
