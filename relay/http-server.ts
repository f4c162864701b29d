// The relay's HTTP face: a few JSON endpoints and the static PWA, behind strict input limits.
// Only GET and HEAD exist; anything malformed gets a 4xx and one log line, never a crash.
// Every response carries the security headers; sockets are capped per IP and in all.
import { createReadStream } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'
import { type ConnectionLimits, timeoutCheckIntervalMs } from './limits.ts'
import { SECURITY_HEADERS, securityHeaderLines } from './security-headers.ts'
import { type RateLimiter, rateLimiter } from './rate-limit.ts'
import { gateSockets, ipOf, type SocketGate } from './socket-gate.ts'
import { cacheControlFor, lookupStatic, mimeTypeOf } from './static-files.ts'

/** A JSON (or, with `contentType`, text) endpoint: computes its body on each request. */
export type JsonRoute = () => { status: number; body: string; contentType?: string }

export interface HttpConfig {
  /** Exact paths ('/health') to JSON producers; these get CORS `*`. */
  json: Record<string, JsonRoute>
  /** Devnet enrollment: GET `/enroll/<token>` answers once per token (see tools/devnet.ts). */
  enroll: (token: string) => { status: number; body: string }
  /** Real path of the static root, if the relay serves a PWA. */
  staticRoot: string | undefined
  limits: ConnectionLimits
  log: (line: string) => void
  /** PEM certificate and key: the port serves HTTPS only. */
  tls?: { cert: string; key: string }
  /** The trustless gateway (relay/gateway.ts): answers every `/ipfs/...` request when present. */
  gateway?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>
}

export type RelayHttpServer = http.Server | https.Server

/** Request limits that are facts of the protocol, not operator settings. */
export const HTTP_LIMITS = {
  maxHeaderBytes: 16 * 1024,
  maxUrlBytes: 4 * 1024,
} as const

export const errorBody = (code: string, message: string): string => JSON.stringify({ code, message })

export const sendJson = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json; charset=utf-8',
) => {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

const serveStatic = async (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  root: string,
  urlPath: string,
  log: (line: string) => void,
) => {
  const found = await lookupStatic(root, urlPath)
  if (found.kind === 'bad-path') {
    log(`relay http bad-path path=${JSON.stringify(urlPath)} reason=${found.reason}`)
    return sendJson(req, res, 400, errorBody('relay/bad-path', found.reason))
  }
  if (found.kind === 'not-found') return sendJson(req, res, 404, errorBody('relay/not-found', 'no such file'))
  const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`
  const headers = {
    'content-type': mimeTypeOf(found.file),
    'cache-control': cacheControlFor(urlPath),
    etag,
    'last-modified': new Date(found.mtimeMs).toUTCString(),
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    return res.end()
  }
  res.writeHead(200, { ...headers, 'content-length': found.size })
  if (req.method === 'HEAD') return res.end()
  const stream = createReadStream(found.file)
  stream.on('error', (e) => {
    log(`relay http read-error file=${JSON.stringify(found.file)} error=${JSON.stringify(e.message)}`)
    res.destroy()
  })
  stream.pipe(res)
}

/** GET and HEAD carry no body; one that claims a body could trickle it to hold the socket. */
const hasBody = (req: http.IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) !== 0

const handle = async (
  config: HttpConfig,
  rate: RateLimiter,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
  const waitMs = rate.take(ipOf(req.socket), performance.now())
  if (waitMs > 0) {
    res.setHeader('retry-after', String(Math.ceil(waitMs / 1000)))
    res.setHeader('connection', 'close')
    return sendJson(req, res, 429, errorBody('relay/rate-limited', 'too many requests from this address'))
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD')
    return sendJson(req, res, 405, errorBody('relay/method-not-allowed', 'only GET and HEAD'))
  }
  if (hasBody(req)) {
    res.setHeader('connection', 'close')
    return sendJson(req, res, 400, errorBody('relay/bad-request', 'requests carry no body'))
  }
  const url = req.url ?? ''
  if (!url.startsWith('/') || url.startsWith('//') || url.length > HTTP_LIMITS.maxUrlBytes) {
    config.log(`relay http bad-request url=${JSON.stringify(url.slice(0, 200))}`)
    return sendJson(req, res, 400, errorBody('relay/bad-request', 'bad request target'))
  }
  const urlPath = url.split('?', 1)[0] ?? '/'
  if (urlPath.startsWith('/enroll/')) {
    // HEAD must not burn a one-time token
    if (req.method !== 'GET')
      return sendJson(req, res, 405, errorBody('relay/method-not-allowed', 'GET only'))
    const { status, body } = config.enroll(urlPath.slice('/enroll/'.length))
    config.log(`relay http enroll status=${status}`)
    return sendJson(req, res, status, body)
  }
  if (config.gateway && urlPath.startsWith('/ipfs/')) return config.gateway(req, res)
  const route = config.json[urlPath]
  if (route) {
    const { status, body, contentType } = route()
    return sendJson(req, res, status, body, contentType)
  }
  if (config.staticRoot === undefined)
    return sendJson(req, res, 404, errorBody('relay/not-found', 'no route'))
  return serveStatic(req, res, config.staticRoot, urlPath, config.log)
}

/** Answers a request the parser could not read (garbage, oversized headers, timeouts), then hangs up. */
const onClientError =
  (log: (line: string) => void, counted: (status: number) => void) =>
  (e: NodeJS.ErrnoException, socket: Duplex) => {
    const code = e.code ?? 'unknown'
    log(`relay http client-error code=${code}`)
    if (code !== 'ECONNRESET' && socket.writable) {
      const status =
        code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request'
      counted(Number(status.slice(0, 3)))
      socket.end(
        `HTTP/1.1 ${status}\r\n${securityHeaderLines()}connection: close\r\ncontent-length: 0\r\n\r\n`,
      )
    }
    socket.destroy()
  }

/** Node server options from the limits; with TLS, the handshake gets the header deadline too. */
export const serverOptions = (
  limits: ConnectionLimits,
  prefix: 'http' | 'ws',
  tls: { cert: string; key: string } | undefined,
) => {
  const headersTimeout = prefix === 'http' ? limits.httpHeadersTimeoutMs : limits.wsHandshakeTimeoutMs
  return {
    maxHeaderSize: HTTP_LIMITS.maxHeaderBytes,
    headersTimeout,
    requestTimeout: prefix === 'http' ? limits.httpRequestTimeoutMs : limits.wsHandshakeTimeoutMs,
    connectionsCheckingInterval: timeoutCheckIntervalMs(headersTimeout),
    ...(prefix === 'http' ? { keepAliveTimeout: limits.httpKeepAliveTimeoutMs } : {}),
    ...(tls === undefined ? {} : { cert: tls.cert, key: tls.key, handshakeTimeout: headersTimeout }),
  }
}

export interface RelayHttp {
  server: RelayHttpServer
  sockets: SocketGate
  /** Responses sent since start, by status code. */
  responses(): Record<number, number>
}

export const createHttpServer = (config: HttpConfig): RelayHttp => {
  const { limits } = config
  const options = serverOptions(limits, 'http', config.tls)
  const rate = rateLimiter(limits.httpRequestsPerIpPerMinute)
  const responses: Record<number, number> = {}
  const counted = (status: number) => {
    responses[status] = (responses[status] ?? 0) + 1
  }
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.once('finish', () => counted(res.statusCode))
    req.on('error', (e) => config.log(`relay http request-error error=${JSON.stringify(e.message)}`))
    res.on('error', (e) => config.log(`relay http response-error error=${JSON.stringify(e.message)}`))
    handle(config, rate, req, res).catch((e: unknown) => {
      config.log(
        `relay http internal-error url=${JSON.stringify(req.url)} error=${JSON.stringify(String(e))}`,
      )
      if (!res.headersSent) sendJson(req, res, 500, errorBody('relay/internal', 'internal error'))
      else res.destroy()
    })
  }
  const server =
    config.tls === undefined ? http.createServer(options, onRequest) : https.createServer(options, onRequest)
  server.on('clientError', onClientError(config.log, counted))
  server.on('tlsClientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
    config.log(`relay http tls-error code=${e.code ?? 'unknown'}`)
    socket.destroy()
  })
  const sockets = gateSockets(
    server,
    { name: 'http', maxSockets: limits.httpMaxSockets, maxPerIp: limits.httpMaxSocketsPerIp },
    config.log,
  )
  return { server, sockets, responses: () => ({ ...responses }) }
}
