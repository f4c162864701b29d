// The relay's trustless HTTP gateway (issue 15, item 6): `GET /ipfs/{cid}` answers a CARv1 of the
// CID's whole DAG in pre-order, or its one raw block, fetched from the WATT peers connected to the
// relay and checked block by block before any byte is written (gateway-fetch.ts), so any IPFS tool
// that verifies (curl plus a CAR verifier, Helia, kubo) reads WATT content and need not trust the
// relay either. Only free data: no voucher is sent. Bounded: requests at once, requests per IP a
// minute, the size the root declares, blocks, time to the first block and in all. The status is
// sent once the root has passed its check; a failure after that cuts the stream (an incomplete CAR,
// which a client's own check catches), as the spec says.
import http from 'node:http'
import { once } from 'node:events'
import { createHash } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { carBlock, carHeader } from '../shared/codec/car.ts'
import { declaredSize } from '../shared/storage/unixfs-walk.ts'
import { fetchBlock, walkDag } from './gateway-fetch.ts'
import { createPeerSource, type GatewayNet } from './gateway-peers.ts'
import {
  CAR_CONTENT_TYPE,
  type GatewayFormat,
  IDENTITY,
  parseGatewayRequest,
  RAW_CONTENT_TYPE,
} from './gateway-request.ts'
import { errorBody, sendJson } from './http-server.ts'
import { rateLimiter } from './rate-limit.ts'
import { ipOf } from './socket-gate.ts'

export interface GatewayLimits {
  /** Gateway requests fetching at once; more are `503 busy`. */
  maxConcurrent: number
  /** Gateway requests one IP may make a minute (a minute's worth at once); more are `429`. */
  requestsPerIpPerMinute: number
  /** The largest file size a root may declare; larger is `413 too_large` before any byte is sent. */
  maxBytes: number
  /** Blocks of one response at most (a tree of empty leaves is cut off). */
  maxBlocks: number
  /** A checked root must arrive within this, else `404 no_holder`. */
  firstBlockMs: number
  /** A whole response within this, else the stream is cut. */
  totalMs: number
  /** One peer's answer within this, else the peer is dropped. */
  stallMs: number
  /** Peers asked at once when a server is wanted, and peers considered at most. */
  parallelPeers: number
  maxPeers: number
}

export const GATEWAY_LIMITS: GatewayLimits = {
  maxConcurrent: 4,
  requestsPerIpPerMinute: 60,
  maxBytes: 64 * 2 ** 20,
  maxBlocks: 1 << 16,
  firstBlockMs: 10_000,
  totalMs: 120_000,
  stallMs: 15_000,
  parallelPeers: 8,
  maxPeers: 32,
}

/** Counters since start: responses by outcome, body bytes sent, requests fetching now. */
export interface GatewayCounts {
  outcomes: Record<string, number>
  bytes: number
  active: number
}

const IMMUTABLE = 'public, max-age=29030400, immutable'
const sha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest()

const etagOf = (cid: CID, format: GatewayFormat) => `"${cid}.${format === 'car' ? 'car.dfs.y' : 'raw'}"`

const contentHeaders = (cid: CID, format: GatewayFormat) => ({
  'content-type': format === 'car' ? CAR_CONTENT_TYPE : RAW_CONTENT_TYPE,
  'cache-control': IMMUTABLE,
  'content-disposition': `attachment; filename="${cid}.${format === 'car' ? 'car' : 'bin'}"`,
  etag: etagOf(cid, format),
  vary: 'Accept',
  'x-ipfs-path': `/ipfs/${cid}`,
  'x-ipfs-roots': cid.toString(),
  'access-control-allow-origin': '*',
})

export interface GatewayDeps {
  readonly net: GatewayNet
  readonly log: (line: string) => void
  readonly limits?: Partial<GatewayLimits>
}

export const createGateway = (d: GatewayDeps) => {
  const limits = { ...GATEWAY_LIMITS, ...d.limits }
  const rate = rateLimiter(limits.requestsPerIpPerMinute)
  const counts: GatewayCounts = { outcomes: {}, bytes: 0, active: 0 }
  const counted = (outcome: string) => {
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1
  }
  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string) => {
    counted(code)
    sendJson(req, res, status, errorBody(code, http.STATUS_CODES[status] ?? 'refused'))
  }

  const sourceLimits = { parallel: limits.parallelPeers, maxPeers: limits.maxPeers, stallMs: limits.stallMs }
  const firstBlock = () => AbortSignal.timeout(limits.firstBlockMs)

  /** Writes `chunk`, waiting for the socket to drain when its buffer is full. */
  const writer = (res: http.ServerResponse, signal: AbortSignal) => async (chunk: Uint8Array) => {
    counts.bytes += chunk.length
    if (!res.write(chunk)) await once(res, 'drain', { signal })
  }

  /** No holder gave the root: 404 with the code, or nothing when the client has gone. */
  const fetchFailed = (req: http.IncomingMessage, res: http.ServerResponse, code: string) => {
    if (code !== 'aborted') return refuse(req, res, 404, code)
    counted('aborted')
    res.destroy()
  }

  /** The identity CID (`bafkqaaa` is the spec's probe): its bytes are in the CID, no fetch. */
  const identity = (req: http.IncomingMessage, res: http.ServerResponse, cid: CID, format: GatewayFormat) => {
    const body = format === 'car' ? carHeader([cid]) : cid.multihash.digest
    counted('ok')
    res.writeHead(200, { ...contentHeaders(cid, format), 'content-length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const raw = async (req: http.IncomingMessage, res: http.ServerResponse, cid: CID, signal: AbortSignal) => {
    const got = await fetchBlock(createPeerSource(d.net, sourceLimits, signal), cid, sha256, firstBlock())
    if (!got.ok) return fetchFailed(req, res, got.code)
    counted('ok')
    res.writeHead(200, { ...contentHeaders(cid, 'raw'), 'content-length': got.bytes.length })
    if (req.method === 'HEAD') return void res.end()
    counts.bytes += got.bytes.length
    res.end(got.bytes)
  }

  const car = async (req: http.IncomingMessage, res: http.ServerResponse, cid: CID, signal: AbortSignal) => {
    const write = writer(res, signal)
    let tooLarge = false
    const root = (bytes: Uint8Array) => {
      if ((declaredSize(cid, bytes) ?? 0) > limits.maxBytes) {
        tooLarge = true
        return false
      }
      res.writeHead(200, contentHeaders(cid, 'car'))
      if (req.method === 'HEAD') return false
      const header = carHeader([cid])
      counts.bytes += header.length
      res.write(header)
      return true
    }
    const block = async (c: CID, bytes: Uint8Array) => {
      for (const part of carBlock(c, bytes)) await write(part)
    }
    const src = createPeerSource(d.net, sourceLimits, signal)
    const out = await walkDag(
      src,
      cid,
      sha256,
      { root, block },
      { maxBlocks: limits.maxBlocks, firstBlock: firstBlock() },
    )
    if (tooLarge) return refuse(req, res, 413, 'too_large')
    if (out.ok || (req.method === 'HEAD' && out.code === 'stopped')) {
      counted('ok')
      return void res.end()
    }
    if (!res.headersSent) return fetchFailed(req, res, out.code)
    counted(`cut_${out.code}`)
    d.log(`relay gateway cut cid=${cid} code=${out.code}`)
    res.destroy()
  }

  /** A request past the rate limit, the parser and the cache: fetched within the concurrency bound. */
  const fetched = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    cid: CID,
    format: GatewayFormat,
  ) => {
    if (counts.active >= limits.maxConcurrent) {
      res.setHeader('retry-after', '1')
      return refuse(req, res, 503, 'busy')
    }
    counts.active++
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(limits.totalMs)])
    try {
      await (format === 'car' ? car(req, res, cid, signal) : raw(req, res, cid, signal))
    } catch {
      // the client went away or the time ran out while a write waited for the socket to drain
      counted('cut_aborted')
      res.destroy()
    } finally {
      counts.active--
    }
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const waitMs = rate.take(ipOf(req.socket), performance.now())
    if (waitMs > 0) {
      res.setHeader('retry-after', String(Math.ceil(waitMs / 1000)))
      return refuse(req, res, 429, 'rate_limited')
    }
    const parsed = parseGatewayRequest(req.url ?? '', req.headers.accept)
    if (!parsed.ok) return refuse(req, res, parsed.error.status, parsed.error.code)
    const { cid, format } = parsed.value
    if (req.headers['if-none-match'] === etagOf(cid, format)) {
      counted('not_modified')
      res.writeHead(304, { etag: etagOf(cid, format), 'cache-control': IMMUTABLE, vary: 'Accept' })
      return void res.end()
    }
    if (cid.multihash.code === IDENTITY) return identity(req, res, cid, format)
    return fetched(req, res, cid, format)
  }

  return { handle, counts: (): GatewayCounts => ({ ...counts, outcomes: { ...counts.outcomes } }) }
}

export type Gateway = ReturnType<typeof createGateway>
