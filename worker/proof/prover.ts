// The proof worker's work, independent of how messages and files arrive: writes sector data,
// seals layer by layer with progress and an OPFS checkpoint after each layer (a reload resumes
// from the last complete layer, or restarts if anything fails its digest), makes seal proofs and
// window PoSt proofs, unseals, deletes. Errors are `{ code, ... }` data; a sector whose files
// are gone is reported faulty (`missing_sector`) and left out of the window proof.
import type { Sha256 } from '../../shared/storage/hash.ts'
import { buildTree, decodeTreeCache, encodeTreeCache, type TreeCache } from '../../shared/storage/merkle.ts'
import {
  MAX_SECTOR,
  NODE_SIZE,
  type SealParams,
  checkSealParams,
  DEFAULT_POST,
  treeDepth,
} from '../../shared/storage/params.ts'
import { proveWindow, type SectorReplica, verifyWindow } from '../../shared/storage/post.ts'
import { proveSeal } from '../../shared/storage/seal-proof.ts'
import {
  commDOf,
  commitReplica,
  labelAll,
  labelScratch,
  labelStep,
  labelingProgress,
  replicaIdOf,
  resumeLabeling,
  startLabeling,
  xorInto,
} from '../../shared/storage/sealing.ts'
import { concatBytes, fromHex, fromUtf8, toHex, utf8 } from '../../shared/util/bytes.ts'
import { fail, toWattError, type WattError } from '../../shared/util/errors.ts'
import { readExact, type SectorFiles, type SyncFile } from './files.ts'
import { FILES, type ProofEvent, type ProofRequest, type ProofResult, type SealedInfo } from './protocol.ts'

export interface ProverOptions {
  readonly files: SectorFiles
  readonly hash: Sha256
  readonly emit: (e: ProofEvent) => void
  /** Lets other messages in between sealing steps (a macrotask in the worker). */
  readonly yieldNow: () => Promise<void>
  /** Nodes labeled per step (progress granularity). */
  readonly stepNodes?: number
  /** Merkle cache base kept beside each replica (smaller = faster PoSt, bigger file). */
  readonly treeCacheBase?: number
}

/** Cache base of the throw-away trees of a seal proof: 600 openings re-hash 16 leaves each. */
const PROOF_CACHE_BASE = 4

interface Checkpoint {
  readonly params: SealParams
  readonly layer: number
  readonly replicaId: string
  readonly digest: string
}

export const createProver = (o: ProverOptions) => {
  const { files, hash } = o
  const stepNodes = o.stepNodes ?? 1 << 15
  const cacheBase = o.treeCacheBase ?? 6

  const readAll = async (sector: number, name: string): Promise<Uint8Array | null> => {
    const f = await files.open(sector, name, false)
    if (f === null) return null
    try {
      return readExact(f, 0, f.getSize())
    } finally {
      f.close()
    }
  }
  const writeAll = async (sector: number, name: string, bytes: Uint8Array): Promise<void> => {
    const f = (await files.open(sector, name, true))!
    try {
      f.truncate(0)
      f.write(bytes, { at: 0 })
      f.flush()
    } finally {
      f.close()
    }
  }
  const readJson = async <T>(sector: number, name: string): Promise<T | null> => {
    const b = await readAll(sector, name)
    if (b === null) return null
    try {
      return JSON.parse(fromUtf8(b)) as T
    } catch {
      return null
    }
  }
  const sealedInfo = (sector: number) => readJson<SealedInfo>(sector, FILES.sealed)
  const checkpointDigest = (labels: Uint8Array, col: Uint8Array) => toHex(hash(labels, col))

  const write = async (r: Extract<ProofRequest, { type: 'write' }>): Promise<ProofResult> => {
    if (r.offset + r.bytes.length > MAX_SECTOR) fail('too_large', { sector: r.sector })
    if ((await sealedInfo(r.sector)) !== null) fail('already_sealed', { sector: r.sector })
    const f = (await files.open(r.sector, FILES.data, true))!
    try {
      f.write(r.bytes, { at: r.offset })
      f.flush()
      return { type: 'written', size: f.getSize() }
    } finally {
      f.close()
    }
  }

  /** Loads the last checkpoint if it belongs to this replica and its files are intact. */
  const loadCheckpoint = async (sector: number, p: SealParams, replicaId: Uint8Array) => {
    const cp = await readJson<Checkpoint>(sector, FILES.checkpoint)
    if (cp === null || cp.replicaId !== toHex(replicaId) || JSON.stringify(cp.params) !== JSON.stringify(p))
      return null
    if (!(cp.layer >= 1 && cp.layer <= p.layers)) return null
    const labels = await readAll(sector, FILES.layer(cp.layer))
    const col = await readAll(sector, FILES.columns(cp.layer))
    if (labels === null || col === null || labels.length !== p.sectorSize || col.length !== p.sectorSize)
      return null
    if (checkpointDigest(labels, col) !== cp.digest) return null
    return { layer: cp.layer, labels, col }
  }

  const seal = async (r: Extract<ProofRequest, { type: 'seal' }>): Promise<ProofResult> => {
    const p = r.params
    try {
      checkSealParams(p)
    } catch (e) {
      fail('bad_params', { message: (e as Error).message })
    }
    const done = await sealedInfo(r.sector)
    if (done !== null) return { type: 'sealed', info: done, resumedFromLayer: p.layers }
    const stored = await readAll(r.sector, FILES.data)
    if (stored === null) return fail('missing_sector', { sector: r.sector })
    if (stored.length > p.sectorSize) fail('too_large', { sector: r.sector, size: stored.length })
    const data = new Uint8Array(p.sectorSize)
    data.set(stored)
    const commD = commDOf(p, data, hash)
    const replicaId = replicaIdOf(
      { provider: r.provider, sectorNumber: r.sector, ticket: r.ticket, commD },
      hash,
    )
    const cp = await loadCheckpoint(r.sector, p, replicaId)
    if (cp === null) for (let l = 1; l <= p.layers; l++) await files.remove(r.sector, FILES.layer(l))
    const s = cp === null ? startLabeling(p) : resumeLabeling(p, cp.layer, cp.labels, cp.col)
    const scratch = labelScratch(p)
    while (s.layer <= p.layers) {
      const layer = s.layer
      const step = labelStep(p, replicaId, s, stepNodes, hash, scratch)
      if (step.layerDone) {
        const labels = step.done ? s.cur : s.prev
        await writeAll(r.sector, FILES.layer(layer), labels)
        await writeAll(r.sector, FILES.columns(layer), s.col)
        const next: Checkpoint = {
          params: p,
          layer,
          replicaId: toHex(replicaId),
          digest: checkpointDigest(labels, s.col),
        }
        await writeAll(r.sector, FILES.checkpoint, utf8(JSON.stringify(next)))
        await files.remove(r.sector, FILES.columns(layer - 1))
      }
      o.emit({
        type: 'progress',
        id: r.id,
        sector: r.sector,
        phase: 'labeling',
        layer,
        fraction: labelingProgress(p, s),
      })
      await o.yieldNow()
    }
    o.emit({
      type: 'progress',
      id: r.id,
      sector: r.sector,
      phase: 'finalizing',
      layer: p.layers,
      fraction: 1,
    })
    const replica = data
    xorInto(replica, s.cur)
    const c = commitReplica(p, replica, s.col, hash)
    const treeR = buildTree(treeDepth(p), nodesOf(replica), hash, cacheBase)
    await writeAll(r.sector, FILES.replica, replica)
    await writeAll(r.sector, FILES.treeR, encodeTreeCache(treeR))
    const info: SealedInfo = {
      sector: r.sector,
      params: p,
      replicaId: toHex(replicaId),
      commD: toHex(commD),
      commC: toHex(c.commC),
      commRLast: toHex(c.commRLast),
      commR: toHex(c.commR),
    }
    await writeAll(r.sector, FILES.sealed, utf8(JSON.stringify(info)))
    await files.remove(r.sector, FILES.data)
    return { type: 'sealed', info, resumedFromLayer: cp?.layer ?? 0 }
  }

  /** Runs `f` with files opened for reading; throws `missing_sector` if one is gone. */
  const withFiles = async <T>(sector: number, names: string[], f: (h: SyncFile[]) => T): Promise<T> => {
    const handles: SyncFile[] = []
    try {
      for (const n of names) {
        const h = await files.open(sector, n, false)
        if (h === null) return fail('missing_sector', { sector, file: n })
        handles.push(h)
      }
      return f(handles)
    } finally {
      for (const h of handles) h.close()
    }
  }

  const sealProof = async (r: Extract<ProofRequest, { type: 'seal-proof' }>): Promise<ProofResult> => {
    const info = await sealedInfo(r.sector)
    if (info === null) return fail('not_sealed', { sector: r.sector })
    const p = info.params
    const layerNames = [...Array(p.layers)].map((_, l) => FILES.layer(l + 1))
    const names = [FILES.replica, FILES.columns(p.layers), ...layerNames]
    const proof = await withFiles(r.sector, names, ([replicaF, colF, ...layerF]) => {
      const reader = (f: SyncFile) => (start: number, count: number) =>
        readExact(f, start * NODE_SIZE, count * NODE_SIZE)
      const readReplica = reader(replicaF!)
      const readKey = reader(layerF[p.layers - 1]!)
      const readData = (start: number, count: number) => {
        const d = readReplica(start, count)
        xorInto(d, readKey(start, count))
        return d
      }
      const depth = treeDepth(p)
      return proveSeal(
        p,
        {
          replicaId: fromHex(info.replicaId),
          commD: fromHex(info.commD),
          commR: fromHex(info.commR),
          seed: r.seed,
        },
        {
          commC: fromHex(info.commC),
          commRLast: fromHex(info.commRLast),
          treeD: buildTree(depth, readData, hash, PROOF_CACHE_BASE),
          readData,
          treeC: buildTree(depth, reader(colF!), hash, PROOF_CACHE_BASE),
          readColumns: reader(colF!),
          treeR: buildTree(depth, readReplica, hash, PROOF_CACHE_BASE),
          readReplica,
          label: (layer, node) => readExact(layerF[layer - 1]!, node * NODE_SIZE, NODE_SIZE),
        },
        hash,
      )
    })
    for (const n of [...layerNames, FILES.columns(p.layers), FILES.checkpoint])
      await files.remove(r.sector, n)
    return { type: 'seal-proof', proof }
  }

  /** One sector's window proof, self-checked so bit rot is reported as a fault, not sent. */
  const proveSector = async (
    r: Extract<ProofRequest, { type: 'window-post' }>,
    s: { sector: number; sectorSize: number; commR: Uint8Array },
  ): Promise<Uint8Array> => {
    const info = await sealedInfo(s.sector)
    if (info === null) return fail('missing_sector', { sector: s.sector })
    return withFiles(s.sector, [FILES.replica, FILES.treeR], ([replicaF, treeF]) => {
      if (replicaF!.getSize() !== s.sectorSize) fail('corrupt_sector', { sector: s.sector })
      const tree: TreeCache | null = decodeTreeCache(readExact(treeF!, 0, treeF!.getSize()))
      if (tree === null) return fail('corrupt_sector', { sector: s.sector })
      const pub = { sectorNumber: s.sector, sectorSize: s.sectorSize, commR: s.commR }
      const replica: SectorReplica = {
        ...pub,
        commC: fromHex(info.commC),
        treeR: tree,
        read: (start, count) => readExact(replicaF!, start * NODE_SIZE, count * NODE_SIZE),
      }
      const w = { randomness: r.randomness, prevDigest: r.prevDigest }
      const post = { ...DEFAULT_POST, challengesPerSector: r.challenges ?? DEFAULT_POST.challengesPerSector }
      const proof = proveWindow(post, w, [replica], hash)
      if (!verifyWindow(post, w, [pub], proof, hash)) fail('corrupt_sector', { sector: s.sector })
      return proof
    })
  }

  const windowPost = async (r: Extract<ProofRequest, { type: 'window-post' }>): Promise<ProofResult> => {
    const parts: Uint8Array[] = []
    const proven: number[] = []
    const faulty: { sector: number; error: WattError }[] = []
    for (const s of r.sectors) {
      try {
        parts.push(await withSector(s.sector, () => proveSector(r, s)))
        proven.push(s.sector)
      } catch (e) {
        faulty.push({ sector: s.sector, error: toWattError(e) })
      }
    }
    return { type: 'window-post', proof: concatBytes(...parts), proven, faulty }
  }

  const unseal = async (r: Extract<ProofRequest, { type: 'unseal' }>): Promise<ProofResult> => {
    const info = await sealedInfo(r.sector)
    if (info === null) return fail('missing_sector', { sector: r.sector })
    const p = info.params
    if (r.offset + r.length > p.sectorSize) fail('out_of_range', { sector: r.sector })
    const bytes = await withFiles(r.sector, [FILES.replica], ([f]) => readExact(f!, r.offset, r.length))
    const key = labelAll(p, fromHex(info.replicaId), hash).cur
    xorInto(bytes, key.subarray(r.offset, r.offset + r.length))
    return { type: 'unsealed', bytes }
  }

  /** One operation per sector at a time (OPFS sync handles are exclusive). */
  const locks = new Map<number, Promise<unknown>>()
  const withSector = <T>(sector: number, f: () => Promise<T>): Promise<T> => {
    const prev = locks.get(sector) ?? Promise.resolve()
    const run = prev.then(f, f)
    const tail = run.catch(() => {})
    locks.set(sector, tail)
    void tail.then(() => {
      if (locks.get(sector) === tail) locks.delete(sector)
    })
    return run
  }

  const dispatch = (r: ProofRequest): Promise<ProofResult> => {
    if (r.type === 'window-post') return windowPost(r)
    return withSector(r.sector, () => dispatchSector(r))
  }

  const dispatchSector = (r: Exclude<ProofRequest, { type: 'window-post' }>): Promise<ProofResult> => {
    switch (r.type) {
      case 'write':
        return write(r)
      case 'seal':
        return seal(r)
      case 'seal-proof':
        return sealProof(r)
      case 'unseal':
        return unseal(r)
      case 'delete':
        return files.removeSector(r.sector).then(() => ({ type: 'deleted' }) as const)
    }
  }

  return {
    /** Handles one request; always ends with exactly one `done` or `failed` event. */
    handle: async (r: ProofRequest): Promise<void> => {
      try {
        o.emit({ type: 'done', id: r.id, result: await dispatch(r) })
      } catch (e) {
        o.emit({ type: 'failed', id: r.id, error: toWattError(e) })
      }
    },
    /** Whether a sector's replica is complete (for the host's state after a reload). */
    isSealed: async (sector: number): Promise<boolean> => (await sealedInfo(sector)) !== null,
  }
}

const nodesOf = (b: Uint8Array) => (start: number, count: number) =>
  b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)
