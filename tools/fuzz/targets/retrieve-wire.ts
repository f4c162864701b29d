// Retrieval's wire between nodes (the vouchers it carries are retrieval.ts's target): a
// `/watt/retrieve/1` request as a serving node receives it (decoded, then answered by the real
// server over a sample file's blocks, whose answer must decode), the answer as a fetching node
// reads it, and a holder's announcement (decoded, then offered to the real table, which checks
// its signature). Seeds are made by the encoders.
import * as fc from 'fast-check'
import { nobleSigner, nobleVerifier } from '../../../shared/crypto/noble.ts'
import {
  createAnnouncementTable,
  decodeAnnouncement,
  encodeAnnouncement,
  signAnnouncement,
} from '../../../shared/retrieval/find-announcements.ts'
import { importFile } from '../../../shared/storage/unixfs-import.ts'
import { createRetrievalServer } from '../../../worker/retrieval/retrieve-server.ts'
import {
  decodeRetrieveAnswer,
  decodeRetrieveRequest,
  encodeAskRequest,
  encodePayRequest,
  encodeRetrieveAnswer,
  encodeRetrieveRequest,
} from '../../../worker/retrieval/retrieve-wire.ts'
import { decoderTarget, type Target } from '../target.ts'

const blocks = new Map<string, Uint8Array>()
const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255)
const root = (
  await importFile([data], (b) => void blocks.set(b.cid.toString(), b.bytes), { chunkSize: 64, maxLinks: 4 })
).cid.toString()
const server = createRetrievalServer({ getBlock: async (cid) => blocks.get(cid) })

const retrieveRequest: Target<Uint8Array> = {
  name: 'retrieve-request',
  about: "a /watt/retrieve/1 request a serving node receives: decoded, then answered by the server's walk",
  kind: 'bytes',
  cbor: true,
  seeds: () => [
    encodeRetrieveRequest({ cid: root, from: 0 }),
    encodeRetrieveRequest({ cid: root, from: 5, range: { offset: 100, length: 300 } }),
    encodeRetrieveRequest({ cid: root, from: 0, voucher: new Uint8Array([1, 2, 3]) }),
    encodeAskRequest(root),
    encodePayRequest(new Uint8Array([1, 2, 3])),
  ],
  vocabulary: {
    keys: ['t', 'cid', 'from', 'range', 'offset', 'length', 'voucher'],
    strings: ['get', 'ask', 'pay', root],
  },
  arbitrary: fc.oneof(
    fc
      .record({ from: fc.nat(30), offset: fc.nat(1200), length: fc.integer({ min: 1, max: 1200 }) })
      .map(({ from, offset, length }) =>
        encodeRetrieveRequest({ cid: root, from, range: { offset, length } }),
      ),
    fc.uint8Array({ maxLength: 300 }),
  ),
  run: async (bytes) => {
    decodeRetrieveRequest(bytes)
    const answer = await server.onRequest({ peerId: 'fuzz', data: bytes })
    if (!decodeRetrieveAnswer(answer)) throw new Error('the server answered something its peers cannot read')
    return answer
  },
}

const retrieveAnswer = decoderTarget({
  name: 'retrieve-answer',
  about: "a server's answer to a /watt/retrieve/1 request, as the fetching node decodes it",
  seeds: () => [
    encodeRetrieveAnswer({ t: 'blocks', blocks: [...blocks.values()].slice(0, 3), next: 3, done: false }),
    encodeRetrieveAnswer({ t: 'refused', code: 'busy' }),
    encodeRetrieveAnswer({
      t: 'ask',
      pricePerByte: '2',
      interval: 1 << 20,
      payee: new Uint8Array(32).fill(9),
    }),
    encodeRetrieveAnswer({ t: 'ask', pricePerByte: '0', interval: 0, size: 1000 }),
    encodeRetrieveAnswer({ t: 'paid' }),
  ],
  vocabulary: {
    keys: ['t', 'blocks', 'next', 'done', 'code', 'pricePerByte', 'interval', 'payee', 'size'],
    strings: ['blocks', 'refused', 'not_found', 'ask', 'paid', '0'],
  },
  maxLength: 300,
  decode: decodeRetrieveAnswer,
})

const NOW = 1_700_000_000_000
const table = createAnnouncementTable(nobleVerifier)
const announcement: Target<Uint8Array> = {
  name: 'announcement',
  about:
    "a holder's signed announcement: decodeAnnouncement, then the table's checks (expiry, signature, bounds)",
  kind: 'bytes',
  cbor: true,
  seeds: async () => [
    encodeAnnouncement(
      await signAnnouncement(nobleSigner(new Uint8Array(32).fill(7)), {
        cid: root,
        peer: '12D3KooWAfPDpPRRRBrmqy9is2zjU5srQ4hKuZitiGmh4NTTpS2d',
        expires: NOW + 60_000,
      }),
    ),
  ],
  vocabulary: { keys: ['cid', 'peer', 'address', 'expires', 'sig'], strings: [root] },
  arbitrary: fc.uint8Array({ maxLength: 300 }),
  run: (bytes) => table.offer(decodeAnnouncement(bytes), NOW),
}

export const retrieveWireTargets: readonly Target[] = [retrieveRequest, retrieveAnswer, announcement]
