// Stores a local file: refuses it up front if it would overrun the offer (`over_budget`), imports
// it as UnixFS (the CID `ipfs add` gives), keeps every block in the database (the unsealed copy
// that retrieval reads) and packs the blocks as pieces into sectors: each block is zero-padded
// to a power of two and placed at the next offset aligned to that size, written to the sector's
// data file by a proof worker; a full sector starts sealing at once, and the last, partly filled
// one when the import ends (sectors are not shared between files).
import { importFile } from '../../shared/storage/unixfs-import.ts'
import { pieceCommitment } from '../../shared/storage/sector-pack.ts'
import { toHex } from '../../shared/util/bytes.ts'
import { fail } from '../../shared/util/errors.ts'
import { projectedBytes, usedBytes } from './budget.ts'
import type { StorageContext } from './context.ts'
import type { SectorRecord } from './storage-db.ts'

export interface FileSource {
  readonly size: number
  readonly name?: string
  stream(): ReadableStream<Uint8Array>
}

export interface Stored {
  readonly cid: string
  readonly size: number
  readonly sectors: readonly number[]
}

/** Next offset aligned to `paddedSize` after the sector's pieces, or null when it does not fit. */
export const nextOffset = (s: SectorRecord, paddedSize: number): number | null => {
  const end = s.pieces.reduce((e, p) => Math.max(e, p.offset + p.paddedSize), 0)
  const offset = Math.ceil(end / paddedSize) * paddedSize
  return offset + paddedSize <= s.sectorSize ? offset : null
}

/** A stream's chunks as an async generator (releasing the reader when done). */
export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

const isQuota = (e: unknown): boolean => (e as { name?: string })?.name === 'QuotaExceededError'

export const storeFile = async (
  ctx: StorageContext,
  file: FileSource,
  o: { offerBytes: number; importId: string; allocSector: () => Promise<number>; seal: (n: number) => void },
): Promise<Stored> => {
  const used = usedBytes(await ctx.db.blockBytes(), ctx.sectors.values())
  const needed = projectedBytes(file.size, ctx.params)
  if (used + needed > o.offerBytes) fail('over_budget', { offerBytes: o.offerBytes, usedBytes: used, needed })
  const base = { id: o.importId, name: file.name ?? '', size: file.size, atMs: ctx.now() }
  const sectors: number[] = []
  await ctx.db.putImport({ ...base, state: 'importing', sectors })
  let open: SectorRecord | undefined

  const close = async (s: SectorRecord) => {
    await ctx.update({ ...s, state: 'sealing' })
    o.seal(s.sector)
  }
  const sink = async (block: { cid: { toString(): string }; bytes: Uint8Array }) => {
    const cid = block.cid.toString()
    try {
      await ctx.db.putBlock(cid, block.bytes, o.importId)
    } catch (e) {
      if (isQuota(e)) fail('quota_exceeded', { where: 'blocks' })
      throw e
    }
    const piece = pieceCommitment(block.bytes, ctx.hash)
    if (piece.paddedSize > ctx.params.sectorSize) fail('block_too_large', { cid })
    let offset = open ? nextOffset(open, piece.paddedSize) : null
    if (open === undefined || offset === null) {
      if (open) await close(open)
      const sector = await o.allocSector()
      sectors.push(sector)
      await ctx.db.putImport({ ...base, state: 'importing', sectors })
      open = {
        sector,
        importId: o.importId,
        state: 'packing',
        sectorSize: ctx.params.sectorSize,
        pieces: [],
        layer: 0,
        fraction: 0,
      }
      offset = 0
    }
    const res = await ctx.pool.run({ type: 'write', sector: open.sector, offset, bytes: block.bytes })
    if (res.type !== 'written') fail('bad_result', { type: res.type })
    open = {
      ...open,
      pieces: [
        ...open.pieces,
        { cid, offset, size: block.bytes.length, paddedSize: piece.paddedSize, commP: toHex(piece.commP) },
      ],
    }
    await ctx.update(open)
  }

  const result = await importFile(chunksOf(file.stream()), sink, { hash: ctx.hash })
  if (open) await close(open)
  const cid = result.cid.toString()
  await ctx.db.putImport({ ...base, state: 'done', cid, sectors })
  return { cid, size: file.size, sectors }
}
