// A test double of the storage service's deal port for the market's Node tests: sector data
// files, sealing, seal proofs and window proofs done in memory with the same shared/storage code
// the proof worker runs (shared/market/test/prover.ts), requests checked by the worker's own
// guard, and a way to lose a replica. As in the worker, the unsealed data is dropped once sealed:
// `unseal` decodes the replica with the labels recomputed from its replica id.
import { noble256 } from '../../shared/storage/hash.ts'
import { DEFAULT_POST, NODE_SIZE, type SealParams } from '../../shared/storage/params.ts'
import { proveWindow } from '../../shared/storage/post.ts'
import { labelAll, xorInto } from '../../shared/storage/sealing.ts'
import { type SealedSector, sealWith } from '../../shared/market/test/prover.ts'
import { toHex } from '../../shared/util/bytes.ts'
import { isProofRequest, type ProofCall, type ProofResult } from '../proof/protocol.ts'
import { memoryStorageDb } from '../storage/storage-db.ts'
import type { DealStorage } from '../storage/storage-service.ts'

export const memoryDealStorage = () => {
  const db = memoryStorageDb()
  const data = new Map<number, Uint8Array>()
  const sealed = new Map<number, SealedSector & { params: SealParams }>()
  let next = 0
  const runs: string[] = []
  const unseals: { sector: number; offset: number; length: number }[] = []

  const write = (sector: number, offset: number, bytes: Uint8Array): ProofResult => {
    const cur = data.get(sector) ?? new Uint8Array(0)
    const out = new Uint8Array(Math.max(cur.length, offset + bytes.length))
    out.set(cur)
    out.set(bytes, offset)
    data.set(sector, out)
    return { type: 'written', size: out.length }
  }

  const seal = (c: Extract<ProofCall, { type: 'seal' }>): ProofResult => {
    const padded = new Uint8Array(c.params.sectorSize)
    padded.set(data.get(c.sector) ?? new Uint8Array(0))
    const s = sealWith(c.params, {
      providerKey: c.provider,
      sectorNumber: c.sector,
      ticket: c.ticket,
      data: padded,
    })
    sealed.set(c.sector, { ...s, params: c.params })
    data.delete(c.sector)
    const info = {
      sector: c.sector,
      params: c.params,
      replicaId: toHex(s.replicaId),
      commD: toHex(s.commD),
      commC: toHex(s.replica.commC),
      commRLast: '',
      commR: toHex(s.commR),
    }
    return { type: 'sealed', info, resumedFromLayer: 0 }
  }

  const windowPost = (c: Extract<ProofCall, { type: 'window-post' }>): ProofResult => {
    const post = { ...DEFAULT_POST, challengesPerSector: c.challenges ?? DEFAULT_POST.challengesPerSector }
    const present = c.sectors.filter((s) => sealed.has(s.sector))
    const proof = proveWindow(
      post,
      c,
      present.map((s) => sealed.get(s.sector)!.replica),
      noble256,
    )
    const faulty = c.sectors
      .filter((s) => !sealed.has(s.sector))
      .map((s) => ({ sector: s.sector, error: { code: 'missing_sector' } }))
    return { type: 'window-post', proof, proven: present.map((s) => s.sector), faulty }
  }

  const unseal = (c: Extract<ProofCall, { type: 'unseal' }>): ProofResult => {
    const s = sealed.get(c.sector)
    if (!s) throw { code: 'missing_sector', sector: c.sector }
    if (c.offset + c.length > s.params.sectorSize) throw { code: 'out_of_range', sector: c.sector }
    const bytes = s.replica.read(0, s.params.sectorSize / NODE_SIZE).slice(c.offset, c.offset + c.length)
    xorInto(bytes, labelAll(s.params, s.replicaId, noble256).cur.subarray(c.offset, c.offset + c.length))
    unseals.push({ sector: c.sector, offset: c.offset, length: c.length })
    return { type: 'unsealed', bytes }
  }

  const run = async (c: ProofCall): Promise<ProofResult> => {
    // the real worker refuses what its guard refuses: so must the double
    if (!isProofRequest({ ...c, id: 0 })) throw { code: 'bad_request' }
    runs.push(c.type)
    if (c.type === 'write') return write(c.sector, c.offset, c.bytes)
    if (c.type === 'seal') return seal(c)
    if (c.type === 'seal-proof') {
      const s = sealed.get(c.sector) ?? Promise.reject({ code: 'not_sealed' })
      return { type: 'seal-proof', proof: (await s).prove(c.seed) }
    }
    if (c.type === 'window-post') return windowPost(c)
    if (c.type === 'delete') {
      sealed.delete(c.sector)
      data.delete(c.sector)
      return { type: 'deleted' }
    }
    return unseal(c)
  }

  const storage: DealStorage = {
    hash: () => noble256,
    allocSector: async () => next++,
    run,
    putBlock: db.putBlock,
    getBlock: db.getBlock,
    deleteBlocksOf: db.deleteBlocksOf,
    getMeta: db.getMeta,
    putMeta: db.putMeta,
  }
  /** Loses a sealed replica (its OPFS files deleted): its next window proof fails. */
  const lose = (sector: number) => void sealed.delete(sector)
  return { storage, lose, runs, unseals, sealedSectors: () => [...sealed.keys()] }
}
