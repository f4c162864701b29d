// Seals one sector on a proof worker and checks what comes back before believing it: the
// ticket is drawn once and kept (a retry after a reload resumes the same replica from the
// worker's checkpoint), CommD must equal the one derived from the packed pieces, the replica id
// must be the one this node, sector and ticket give, and the seal proof drawn from fresh
// randomness must verify. Progress events update the record (persisted once per layer).
import { commDFromPieces } from '../../shared/storage/sector-pack.ts'
import { verifySeal } from '../../shared/storage/seal-proof.ts'
import { replicaIdOf } from '../../shared/storage/sealing.ts'
import { fromHex, toHex } from '../../shared/util/bytes.ts'
import { toWattError } from '../../shared/util/errors.ts'
import type { StorageContext } from './context.ts'
import type { SectorRecord } from './storage-db.ts'

const patch = async (
  ctx: StorageContext,
  n: number,
  f: (s: SectorRecord) => SectorRecord,
  persist = true,
) => {
  const s = ctx.sectors.get(n)
  if (s) await ctx.update(f(s), persist)
}

const expectedCommD = (ctx: StorageContext, s: SectorRecord): string =>
  toHex(
    commDFromPieces(
      s.sectorSize,
      s.pieces.map((p, i) => ({
        piece: i,
        offset: p.offset,
        paddedSize: p.paddedSize,
        commP: fromHex(p.commP),
      })),
      ctx.hash,
    ),
  )

/** Runs a sector in state `sealing` to `sealed` (or `faulty` with the error's code). */
export const sealSector = async (ctx: StorageContext, n: number): Promise<void> => {
  const start = ctx.sectors.get(n)
  if (start?.state !== 'sealing') return
  const ticket = start.ticket ?? toHex(ctx.randomness().bytes)
  if (start.ticket === undefined) await patch(ctx, n, (s) => ({ ...s, ticket }))
  try {
    let persistedLayer = start.layer
    const res = await ctx.pool.run(
      { type: 'seal', sector: n, params: ctx.params, provider: ctx.provider, ticket: fromHex(ticket) },
      (e) => {
        const persist = e.layer !== persistedLayer
        persistedLayer = e.layer
        void patch(ctx, n, (s) => ({ ...s, layer: e.layer, fraction: e.fraction }), persist)
      },
    )
    if (res.type !== 'sealed') throw { code: 'bad_result', type: res.type }
    const s = ctx.sectors.get(n)!
    const commD = expectedCommD(ctx, s)
    const replicaId = toHex(
      replicaIdOf(
        { provider: ctx.provider, sectorNumber: n, ticket: fromHex(ticket), commD: fromHex(commD) },
        ctx.hash,
      ),
    )
    if (res.info.commD !== commD || res.info.replicaId !== replicaId)
      throw { code: 'seal_mismatch', commD: res.info.commD, expected: commD }
    await patch(ctx, n, (x) => ({
      ...x,
      commD,
      commR: res.info.commR,
      layer: ctx.params.layers,
      fraction: 1,
      resumedFromLayer: res.resumedFromLayer,
    }))
    const sealProof = await proveSeal(ctx, n, { replicaId, commD, commR: res.info.commR })
    await patch(ctx, n, (x) => ({ ...x, state: sealProof === 'failed' ? 'faulty' : 'sealed', sealProof }))
  } catch (e) {
    const error = toWattError(e)
    await patch(ctx, n, (x) => ({ ...x, state: 'faulty', error: error.code }))
  }
}

/**
 * The seal proof from randomness drawn after CommR. `lost` when the worker had already made a
 * proof and removed its layer files before a reload kept the result from being recorded.
 */
const proveSeal = async (
  ctx: StorageContext,
  n: number,
  pub: { replicaId: string; commD: string; commR: string },
): Promise<'ok' | 'failed' | 'lost'> => {
  const seed = ctx.randomness().bytes
  try {
    const res = await ctx.pool.run({ type: 'seal-proof', sector: n, seed })
    if (res.type !== 'seal-proof') return 'failed'
    const ok = verifySeal(
      ctx.params,
      { replicaId: fromHex(pub.replicaId), commD: fromHex(pub.commD), commR: fromHex(pub.commR), seed },
      res.proof,
      ctx.hash,
    )
    return ok ? 'ok' : 'failed'
  } catch (e) {
    if (toWattError(e).code === 'missing_sector') return 'lost'
    throw e
  }
}
