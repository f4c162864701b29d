// A CARv1 writer (https://ipld.io/specs/transport/car/carv1/) for the relay's trustless gateway
// (relay/gateway.ts): the header is varint(length) then the DAG-CBOR map {roots, version: 1};
// each block is varint(length of CID + data), the CID's bytes, then the data. Streaming: the
// header and each block's prefix are made one at a time and the block's bytes are handed back
// as they are (never copied, never the whole file in memory); the caller writes the pieces in
// order with its own back-pressure.
import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { varint } from 'multiformats'

const withLength = (body: Uint8Array, extra: number): Uint8Array => {
  const n = body.length + extra
  const out = new Uint8Array(varint.encodingLength(n) + body.length)
  varint.encodeTo(n, out, 0)
  out.set(body, out.length - body.length)
  return out
}

/** The CAR header naming `roots`. */
export const carHeader = (roots: readonly CID[]): Uint8Array =>
  withLength(dagCbor.encode({ version: 1, roots: [...roots] }), 0)

/** One block section: its prefix (the varint length and the CID's bytes), then the data itself. */
export const carBlock = (cid: CID, data: Uint8Array): readonly [prefix: Uint8Array, data: Uint8Array] => [
  withLength(cid.bytes, data.length),
  data,
]
