// The trustless gateway through the relay's HTTP server, with fake peers on a fake network: an
// honest one (the node's own retrieval server over a block store), one that corrupts a block,
// one that refuses, one that never answers. Files come from the reference importer
// (ipfs-unixfs-importer); the CARs are read with @ipld/car and every block is hashed here with
// node:crypto to its CID; the file is put back together from the raw leaves and compared.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { CarReader } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { referenceFile, type RefFile } from '../worker/retrieval/test-holders.ts'
import { createRetrievalServer } from '../worker/retrieval/retrieve-server.ts'
import {
  decodeRetrieveAnswer,
  decodeRetrieveRequest,
  encodeRetrieveAnswer,
  refused,
} from '../worker/retrieval/retrieve-wire.ts'
import { createGateway, type GatewayLimits } from './gateway.ts'
import type { GatewayNet } from './gateway-peers.ts'
import { createHttpServer, type RelayHttp } from './http-server.ts'
import { defaultLimits } from './limits.ts'

type Peer = (data: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>

/** What each peer was asked: [peer, from] in order. */
const fakeNet = (peers: Record<string, Peer>): GatewayNet & { asked: [string, number][] } => {
  const asked: [string, number][] = []
  return {
    asked,
    peers: async () => Object.keys(peers),
    request: async (peer, data, signal) => {
      const m = decodeRetrieveRequest(data)!
      asked.push([peer, m.t === 'get' ? m.from : -1])
      return peers[peer]!(data, signal)
    },
  }
}

const honest = (f: RefFile, delayMs = 0): Peer => {
  const blocks = new Map(f.blocks.map((b) => [b.cid, b.bytes]))
  const server = createRetrievalServer({ getBlock: async (cid) => blocks.get(cid) })
  return async (data) => {
    await new Promise((r) => setTimeout(r, delayMs))
    return server.onRequest({ peerId: 'relay', data })
  }
}

/** Flips a byte of block `bad` (its index in pre-order) wherever it is sent. */
const corrupting = (f: RefFile, bad: number): Peer => {
  const inner = honest(f)
  return async (data, signal) => {
    const a = decodeRetrieveAnswer(await inner(data, signal))!
    if (a.t !== 'blocks') return encodeRetrieveAnswer(a)
    const first = a.next - a.blocks.length
    const blocks = a.blocks.map((b, i) => (first + i === bad ? b.map((x, j) => (j === 0 ? x ^ 1 : x)) : b))
    return encodeRetrieveAnswer({ ...a, blocks })
  }
}

const refusing =
  (code: string): Peer =>
  async () =>
    encodeRetrieveAnswer(refused(code))
const silent: Peer = (_, signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest()

/** Every block hashes to its CID; the raw leaves in order are the file. */
const checkCar = async (body: Uint8Array, f: RefFile) => {
  const reader = await CarReader.fromBytes(body)
  assert.deepEqual((await reader.getRoots()).map(String), [f.root])
  const cids: string[] = []
  const leaves: Uint8Array[] = []
  for await (const b of reader.blocks()) {
    assert.deepEqual(
      new Uint8Array(sha256(b.bytes)),
      b.cid.multihash.digest,
      `block ${b.cid} hashes to its CID`,
    )
    cids.push(b.cid.toString())
    if (b.cid.code === 0x55) leaves.push(b.bytes)
  }
  assert.deepEqual(
    cids,
    f.blocks.map((b) => b.cid),
    'every block once per occurrence, in pre-order',
  )
  assert.deepEqual(Buffer.concat(leaves), Buffer.from(f.bytes), 'the file put back together')
}

const FAST: Partial<GatewayLimits> = { firstBlockMs: 300, stallMs: 300, totalMs: 5_000 }

const serve = async (net: GatewayNet, limits: Partial<GatewayLimits> = FAST) => {
  const gateway = createGateway({ net, log: () => {}, limits })
  const http: RelayHttp = createHttpServer({
    json: {},
    enroll: () => ({ status: 404, body: '{}' }),
    staticRoot: undefined,
    limits: defaultLimits(100),
    log: () => {},
    gateway: gateway.handle,
  })
  await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`
  const get = (path: string, accept?: string, method = 'GET') =>
    fetch(base + path, { method, headers: accept === undefined ? {} : { accept } })
  const close = () =>
    new Promise<void>((r) => {
      http.server.close(() => r())
      http.server.closeAllConnections()
    })
  return { gateway, get, close }
}

const CAR = 'application/vnd.ipld.car'
const RAW = 'application/vnd.ipld.raw'

let file: RefFile
let other: RefFile
before(async () => {
  const bytes = new Uint8Array(200 * 1024)
  for (let i = 0; i < bytes.length; i += 32) bytes.set(sha256(new TextEncoder().encode(String(i))), i)
  // 200 leaves of 1 KiB under nodes of 16 links: more blocks than one answer carries (64)
  file = await referenceFile(bytes, 1024, 16)
  other = await referenceFile(new Uint8Array(5000).fill(9), 1024, 4)
})

describe('gateway: CAR', () => {
  test('an honest peer: the whole DAG, checked, with the trustless headers', async () => {
    const net = fakeNet({ good: honest(file) })
    const g = await serve(net)
    after(g.close)
    const res = await g.get(`/ipfs/${file.root}`, CAR)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=y')
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(res.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${file.root}.car"`)
    assert.ok(res.headers.get('etag'))
    await checkCar(new Uint8Array(await res.arrayBuffer()), file)
    assert.ok(file.blocks.length > 64 * 3, `${file.blocks.length} blocks: several answers`)
    assert.deepEqual(
      net.asked.map(([, from]) => from),
      [0, 64, 128, 192],
      'one answer after the other, each from where the last stopped',
    )
    const again = await g.get(`/ipfs/${file.root}`, CAR, 'GET')
    await again.arrayBuffer()
    const cached = await fetch(again.url, {
      headers: { accept: CAR, 'if-none-match': again.headers.get('etag')! },
    })
    assert.equal(cached.status, 304, 'an etag that matches needs no fetch')
    assert.deepEqual(g.gateway.counts().outcomes, { ok: 2, not_modified: 1 })
  })

  test('a peer that corrupts block 70 is dropped at it; another resumes from block 70', async () => {
    // the liar answers first, so it wins the race for the root
    const net = fakeNet({ liar: corrupting(file, 70), good: honest(file, 50) })
    const g = await serve(net)
    after(g.close)
    const res = await g.get(`/ipfs/${file.root}?format=car`)
    assert.equal(res.status, 200)
    await checkCar(new Uint8Array(await res.arrayBuffer()), file)
    const liar = net.asked.filter(([p]) => p === 'liar').map(([, from]) => from)
    const good = net.asked.filter(([p]) => p === 'good').map(([, from]) => from)
    assert.deepEqual(liar, [0, 64], 'asked until it sent the bad block, never after')
    assert.deepEqual(good, [0, 70, 134, 198], 'lost the race for the root, then resumed at the bad block')
  })

  test('HEAD: the headers once the root is checked, no body', async () => {
    const g = await serve(fakeNet({ good: honest(file) }))
    after(g.close)
    const res = await g.get(`/ipfs/${file.root}`, CAR, 'HEAD')
    assert.equal(res.status, 200)
    assert.equal((await res.arrayBuffer()).byteLength, 0)
  })

  test('a root that declares more than the limit: 413 before any block is sent', async () => {
    const g = await serve(fakeNet({ good: honest(file) }), { ...FAST, maxBytes: 100 * 1024 })
    after(g.close)
    const res = await g.get(`/ipfs/${file.root}`, CAR)
    assert.equal(res.status, 413)
    assert.equal(((await res.json()) as { code: string }).code, 'too_large')
  })

  test('every peer fails after the root: the stream is cut, not finished', async () => {
    const g = await serve(fakeNet({ liar: corrupting(file, 5) }))
    after(g.close)
    // the status may or may not reach the client before the socket is destroyed; the body never ends
    await assert.rejects(async () => (await g.get(`/ipfs/${file.root}`, CAR)).arrayBuffer())
    assert.deepEqual(g.gateway.counts().outcomes, { cut_no_holder: 1 })
  })
})

describe('gateway: raw blocks and refusals', () => {
  test('a raw block: its bytes, hashing to the CID', async () => {
    const g = await serve(fakeNet({ good: honest(file) }))
    after(g.close)
    const leaf = file.blocks.find((b) => CID.parse(b.cid).code === 0x55)!
    for (const [path, accept] of [
      [`/ipfs/${file.root}`, RAW],
      [`/ipfs/${leaf.cid}?format=raw`, CAR],
    ] as const) {
      const res = await g.get(path, accept)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), RAW)
      const body = new Uint8Array(await res.arrayBuffer())
      const cid = CID.parse(path.slice(6).split('?')[0]!)
      assert.deepEqual(new Uint8Array(sha256(body)), cid.multihash.digest)
    }
  })

  test('the identity probe bafkqaaa answers without the network', async () => {
    const g = await serve(fakeNet({}))
    after(g.close)
    const raw = await g.get('/ipfs/bafkqaaa', RAW)
    assert.equal(raw.status, 200)
    assert.equal((await raw.arrayBuffer()).byteLength, 0)
    const car = await g.get('/ipfs/bafkqaaa?format=car')
    assert.deepEqual(
      (await CarReader.fromBytes(new Uint8Array(await car.arrayBuffer())).then((r) => r.getRoots())).map(
        String,
      ),
      ['bafkqaaa'],
    )
  })

  const code = async (res: Response) => ((await res.json()) as { code: string }).code

  test('404: nobody to ask, nobody has it, payment asked, nobody answers in time', async () => {
    const cases: [Record<string, Peer>, string][] = [
      [{}, 'no_holder'],
      [{ other: honest(other) }, 'not_found'],
      [{ paid: refusing('payment_required'), other: honest(other) }, 'payment_required'],
      [{ mute: silent }, 'no_holder'],
    ]
    for (const [peers, expected] of cases) {
      const g = await serve(fakeNet(peers))
      const res = await g.get(`/ipfs/${file.root}`, CAR)
      assert.equal(res.status, 404)
      assert.equal(await code(res), expected)
      await g.close()
    }
  })

  test('400 and 406: bad CIDs, paths, missing or unsupported formats', async () => {
    const g = await serve(fakeNet({ good: honest(file) }))
    after(g.close)
    const cases: [string, string | undefined, number, string][] = [
      ['/ipfs/notacid', CAR, 400, 'bad_cid'],
      [`/ipfs/${file.root}/a/b`, CAR, 400, 'unsupported_path'],
      [`/ipfs/${file.root}`, '*/*', 400, 'format_required'],
      [`/ipfs/${file.root}`, 'text/html', 406, 'not_acceptable'],
      [`/ipfs/${file.root}`, `${CAR}; version=2`, 406, 'not_acceptable'],
      [`/ipfs/${file.root}`, `${CAR}; dups=n`, 406, 'not_acceptable'],
      [`/ipfs/${file.root}?format=tar`, CAR, 406, 'not_acceptable'],
    ]
    for (const [path, accept, status, expected] of cases) {
      const res = await g.get(path, accept)
      assert.equal(res.status, status, path)
      assert.equal(await code(res), expected, path)
    }
  })

  test('503 beyond the requests at once; 429 beyond the rate per IP', async () => {
    const g = await serve(fakeNet({ mute: silent }), { ...FAST, maxConcurrent: 1, firstBlockMs: 1000 })
    after(g.close)
    const first = g.get(`/ipfs/${file.root}`, CAR)
    await new Promise((r) => setTimeout(r, 100))
    const second = await g.get(`/ipfs/${file.root}`, CAR)
    assert.equal(second.status, 503)
    assert.equal(await code(second), 'busy')
    assert.equal((await first).status, 404)
    const r = await serve(fakeNet({}), { ...FAST, requestsPerIpPerMinute: 2 })
    after(r.close)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await r.get('/ipfs/bafkqaaa', RAW)).status)
    assert.deepEqual(statuses, [200, 200, 429])
  })
})
