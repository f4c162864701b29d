// Test provers: a provider that seals a deal's piece in memory (keeping every layer for the seal
// proof, as the proof worker keeps its layer files) and answers windows, with the same
// shared/storage code the browser worker runs.
import type { SealWitness } from '../../storage/seal-proof.ts'
import { proveSeal } from '../../storage/seal-proof.ts'
import { rootOf } from '../../storage/merkle.ts'
import { NODE_SIZE } from '../../storage/params.ts'
import { proveWindow, type SectorReplica, type WindowInput } from '../../storage/post.ts'
import type { SealParams } from '../../storage/params.ts'
import {
  commitReplica,
  labelScratch,
  replicaIdOf,
  labelStep,
  startLabeling,
  treeOfNodes,
  xorInto,
} from '../../storage/sealing.ts'
import {
  dealSealParams,
  dealTicket,
  ledgerHash as hash,
  marketPostParams,
  paddedPiece,
  providerKey,
} from '../binding.ts'
import type { MarketParams } from '../params.ts'

export interface SealedSector {
  readonly commR: Uint8Array
  readonly commD: Uint8Array
  readonly replicaId: Uint8Array
  readonly replica: SectorReplica
  /** The seal proof for a seed (the header hash of the pre-commit's seed ledger). */
  readonly prove: (seed: Uint8Array) => Uint8Array
  /** Destroys the replica (an OPFS file deleted): later window proofs fail. */
  readonly lose: () => void
}

const reader = (b: Uint8Array) => (start: number, count: number) =>
  b.subarray(start * NODE_SIZE, (start + count) * NODE_SIZE)

/** Seals `data` (already padded to the sector) for a provider key, sector number and ticket. */
export const sealWith = (
  p: SealParams,
  o: { providerKey: Uint8Array; sectorNumber: number; ticket: Uint8Array; data: Uint8Array },
): SealedSector => {
  const data = o.data.slice()
  const treeD = treeOfNodes(p, data, hash)
  const commD = rootOf(treeD)
  const replicaId = replicaIdOf(
    { provider: o.providerKey, sectorNumber: o.sectorNumber, ticket: o.ticket, commD },
    hash,
  )
  const s = startLabeling(p)
  const layers: Uint8Array[] = []
  const scratch = labelScratch(p)
  for (;;) {
    const r = labelStep(p, replicaId, s, 1 << 20, hash, scratch)
    if (r.layerDone) layers.push((r.done ? s.cur : s.prev).slice())
    if (r.done) break
  }
  const replica = data.slice()
  xorInto(replica, s.cur)
  const c = commitReplica(p, replica, s.col, hash)
  const witness: SealWitness = {
    commC: c.commC,
    commRLast: c.commRLast,
    treeD,
    readData: reader(data),
    treeC: c.treeC,
    readColumns: reader(s.col),
    treeR: c.treeR,
    readReplica: reader(replica),
    label: (layer, node) => layers[layer - 1]!.subarray(node * NODE_SIZE, (node + 1) * NODE_SIZE),
  }
  return {
    commR: c.commR,
    commD,
    replicaId,
    replica: {
      sectorNumber: o.sectorNumber,
      sectorSize: p.sectorSize,
      commR: c.commR,
      commC: c.commC,
      treeR: c.treeR,
      read: reader(replica),
    },
    prove: (seed) => proveSeal(p, { replicaId, commD, commR: c.commR, seed }, witness, hash),
    lose: () => replica.fill(0),
  }
}

export const sealDeal = (
  mp: MarketParams,
  o: {
    provider: string
    sectorNumber: number
    deal: number
    replica: number
    ticketHash: Uint8Array
    piece: Uint8Array
  },
): SealedSector =>
  sealWith(dealSealParams(mp, o.piece.length), {
    providerKey: providerKey(o.provider),
    sectorNumber: o.sectorNumber,
    ticket: dealTicket(o.ticketHash, o.deal, o.replica),
    data: paddedPiece(mp, o.piece),
  })

export const proveWindowFor = (mp: MarketParams, w: WindowInput, sectors: readonly SealedSector[]) =>
  proveWindow(
    marketPostParams(mp),
    w,
    sectors.map((s) => s.replica),
    hash,
  )
