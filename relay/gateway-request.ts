// What a trustless-gateway request asks for (https://specs.ipfs.tech/http-gateways/trustless-gateway/):
// the CID of `/ipfs/{cid}` (no paths below it: WATT content is single UnixFS files) and the response
// format, from `?format=car|raw` (which wins) or the Accept header. Only verifiable formats exist:
// a CAR of the whole DAG in pre-order with every block once per occurrence
// (`application/vnd.ipld.car; version=1; order=dfs; dups=y`), or one raw block. Anything else is a
// typed refusal with its HTTP status; nothing here touches the network.
import { CID } from 'multiformats/cid'

export type GatewayFormat = 'car' | 'raw'

export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car; version=1; order=dfs; dups=y'
export const RAW_CONTENT_TYPE = 'application/vnd.ipld.raw'
const SHA2_256 = 0x12
export const IDENTITY = 0x00

export interface GatewayRequest {
  readonly cid: CID
  readonly format: GatewayFormat
}

export interface GatewayRefusal {
  readonly status: number
  readonly code: string
}

type Parsed = { ok: true; value: GatewayRequest } | { ok: false; error: GatewayRefusal }
const refuse = (status: number, code: string): Parsed => ({ ok: false, error: { status, code } })

/** One media range of an Accept header: the type, its parameters and its q (0 refuses it). */
const mediaRanges = (accept: string) =>
  accept
    .split(',')
    .slice(0, 16)
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
      const p = new Map(params.map((x) => [x.split('=')[0] ?? '', x.split('=')[1] ?? '']))
      return { type, p, q: p.has('q') ? Number(p.get('q')) : 1 }
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q)

/** A CAR range we can honour: version 1 (or none), order dfs or unk (or none), dups y (or none). */
const carFits = (p: Map<string, string>) =>
  (p.get('version') ?? '1') === '1' &&
  ['dfs', 'unk'].includes(p.get('order') ?? 'dfs') &&
  (p.get('dups') ?? 'y') === 'y'

/** The format the Accept header prefers among those served, or undefined. */
export const negotiate = (accept: string): GatewayFormat | undefined => {
  for (const r of mediaRanges(accept)) {
    if (r.type === RAW_CONTENT_TYPE) return 'raw'
    if (r.type === 'application/vnd.ipld.car' && carFits(r.p)) return 'car'
  }
  return undefined
}

const parseCid = (text: string): CID | undefined => {
  try {
    const cid = CID.parse(text)
    return cid.multihash.code === SHA2_256 || cid.multihash.code === IDENTITY ? cid : undefined
  } catch {
    return undefined
  }
}

/** `/ipfs/{cid}` with its query and Accept header, or why not (400, 406). */
export const parseGatewayRequest = (url: string, accept: string | undefined): Parsed => {
  const [path = '', query = ''] = url.split('?', 2)
  const rest = path.slice('/ipfs/'.length)
  if (rest.includes('/') && rest.replace(/\/+$/, '').includes('/')) return refuse(400, 'unsupported_path')
  const cid = parseCid(rest.replace(/\/+$/, ''))
  if (!cid) return refuse(400, 'bad_cid')
  const format = new URLSearchParams(query).get('format')
  if (format === 'car' || format === 'raw') return { ok: true, value: { cid, format } }
  if (format !== null) return refuse(406, 'not_acceptable')
  // no Accept, or only `*/*` (curl's and fetch's default): the spec's 400 for a strict trustless gateway
  if (mediaRanges(accept ?? '').every((r) => r.type === '*/*' || r.type === ''))
    return refuse(400, 'format_required')
  const negotiated = negotiate(accept ?? '')
  return negotiated ? { ok: true, value: { cid, format: negotiated } } : refuse(406, 'not_acceptable')
}
