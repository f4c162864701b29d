// The announcement table: a signed announcement is kept and found by its CID until it expires; a
// forged one (wrong key, changed field, junk) is dropped; the bounds per announcer and in all
// hold under a flood, and what a full table gives up is the earliest expiry, then the smallest key
// (here two tables fed the same announcements in opposite orders keep the same set).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../crypto/noble.ts'
import { createRng } from '../util/prng.ts'
import {
  type Announcement,
  createAnnouncementTable,
  decodeAnnouncement,
  encodeAnnouncement,
  signAnnouncement,
} from './find-announcements.ts'

const NOW = 1_700_000_000_000
const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq'
const PEER = '12D3KooWAfPDpPRRRBrmqy9is2zjU5srQ4hKuZitiGmh4NTTpS2d'
const signer = (n: number) => nobleSigner(createRng(n).bytes(32))

test('kept until it expires, found by its CID; a renewal replaces it, an older copy does not', async () => {
  const t = createAnnouncementTable(nobleVerifier)
  const a = await signAnnouncement(signer(1), { cid: CID_A, peer: PEER, expires: NOW + 60_000 })
  assert.equal(await t.offer(decodeAnnouncement(encodeAnnouncement(a)), NOW), 'added')
  assert.deepEqual(
    t.holders(CID_A, NOW).map((x) => x.peer),
    [PEER],
  )
  assert.deepEqual(t.holders(CID_B, NOW), [])
  const later = await signAnnouncement(signer(1), { cid: CID_A, peer: PEER, expires: NOW + 90_000 })
  assert.equal(await t.offer(later, NOW), 'renewed')
  assert.equal(await t.offer(a, NOW), 'stale')
  assert.equal(t.holders(CID_A, NOW + 89_999).length, 1)
  assert.deepEqual(t.holders(CID_A, NOW + 90_000), [], 'gone at its expiry')
  assert.equal(t.size(), 0)
  assert.equal(await t.offer(a, NOW + 60_000), 'expired', 'an expired one is not taken')
  const far = await signAnnouncement(signer(1), { cid: CID_A, peer: PEER, expires: NOW + 2 * 3_600_000 })
  assert.equal(await t.offer(far, NOW), 'expired', 'an expiry beyond the horizon is not taken')
})

test('forged announcements are dropped', async () => {
  const t = createAnnouncementTable(nobleVerifier)
  const a = await signAnnouncement(signer(2), { cid: CID_A, peer: PEER, expires: NOW + 60_000 })
  const other = await signAnnouncement(signer(3), { cid: CID_A, peer: PEER, expires: NOW + 60_000 })
  const forged: unknown[] = [
    { ...a, cid: CID_B },
    { ...a, peer: '12D3KooWBhTrWr9CEp9kNtsdLqnYgTWbGJd7RrP9AmD2jL5bS7Tw' },
    { ...a, expires: a.expires + 1 },
    { ...a, address: other.address },
    { ...a, sig: other.sig },
  ]
  for (const f of forged) assert.equal(await t.offer(f, NOW), 'bad_signature')
  for (const junk of [{ ...a, sig: a.sig.slice(1) }, { ...a, address: 'Wnope' }, null, 'x'])
    assert.equal(await t.offer(junk, NOW), 'malformed')
  assert.equal(decodeAnnouncement(new Uint8Array([0xa1, 0x61])), undefined)
  assert.equal(t.size(), 0)
})

/** Announcements of `n` CIDs by one signer, expiring 1 s apart in a shuffled order. */
const flood = async (who: number, n: number, rng: ReturnType<typeof createRng>): Promise<Announcement[]> => {
  const out: Announcement[] = []
  for (let i = 0; i < n; i++) {
    const cid = `bafkreicid${who}x${i}`
    out.push(await signAnnouncement(signer(who), { cid, peer: PEER, expires: NOW + 1000 * (i + 1) }))
  }
  return out.sort(() => rng.int(3) - 1)
}

test('bounds per announcer and in all hold; the earliest expiry (then the smallest key) goes first', async () => {
  const rng = createRng(9)
  const limits = { perNode: 5, total: 12, maxTtlMs: 3_600_000 }
  const mine = await flood(10, 9, rng)
  const t = createAnnouncementTable(nobleVerifier, limits)
  for (const a of mine) await t.offer(a, NOW)
  assert.equal(t.sizeOf(mine[0]!.address), 5)
  // the five latest expiries (5..9 s) stay, whatever order they came in
  const kept = (tb: typeof t, as: Announcement[]) =>
    as
      .filter((a) => tb.holders(a.cid, NOW).length > 0)
      .map((a) => a.expires - NOW)
      .sort((x, y) => x - y)
  assert.deepEqual(kept(t, mine), [5000, 6000, 7000, 8000, 9000])

  const all = [...mine, ...(await flood(11, 5, rng)), ...(await flood(12, 5, rng))]
  const t1 = createAnnouncementTable(nobleVerifier, limits)
  const t2 = createAnnouncementTable(nobleVerifier, limits)
  for (const a of all) await t1.offer(a, NOW)
  for (const a of [...all].reverse()) await t2.offer(a, NOW)
  assert.equal(t1.size(), 12)
  assert.equal(t2.size(), 12)
  const set = (tb: typeof t) =>
    all
      .filter((a) => tb.holders(a.cid, NOW).length > 0)
      .map((a) => a.cid)
      .sort()
  assert.deepEqual(set(t1), set(t2), 'the same set kept in either order')
  // 15 candidates (5 per announcer after its own bound) for 12 places: the three dropped are the two
  // expiring at 1 s, then of the two at 2 s the one with the smaller key (its announcer's address)
  const kept12 = all.filter((a) => t1.holders(a.cid, NOW).length > 0)
  assert.deepEqual(
    kept12.map((a) => (a.expires - NOW) / 1000).sort((x, y) => x - y),
    [2, 3, 3, 4, 4, 5, 5, 5, 6, 7, 8, 9],
  )
  const [, high] = [signer(11), signer(12)].map((k) => addressOf(k.publicKey)).sort()
  assert.deepEqual(
    kept12.filter((a) => a.expires === NOW + 2000).map((a) => a.address),
    [high],
  )
})
