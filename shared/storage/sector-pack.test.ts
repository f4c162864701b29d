// Packing: pieces land aligned without overlap, and CommD computed from the CommPs alone equals
// the Merkle root of the actual sector bytes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bytesEqual } from '../util/bytes.ts'
import { createRng } from '../util/prng.ts'
import { noble256 } from './hash.ts'
import { sealParams } from './params.ts'
import { commDFromPieces, packPieces, paddedSizeOf, pieceCommitment } from './sector-pack.ts'
import { commDOf } from './sealing.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`sector-pack tests seed=${seed} (replay with SEED=${seed})`)

test('padded sizes', () => {
  assert.deepEqual([0, 1, 32, 33, 1000, 1024].map(paddedSizeOf), [32, 32, 32, 64, 1024, 1024])
})

test('CommD from piece commitments equals CommD of the packed sector', () => {
  const rng = createRng(seed)
  for (let round = 0; round < 10; round++) {
    const p = sealParams({ sectorSize: 64 << 10 })
    const pieces = [...Array(1 + rng.int(12))].map(() => rng.bytes(1 + rng.int(20_000)))
    const infos = pieces.map((b) => pieceCommitment(b, noble256))
    const { placed, left } = packPieces(p.sectorSize, infos)
    assert.equal(placed.length + left.length, pieces.length)
    const sector = new Uint8Array(p.sectorSize)
    let prevEnd = 0
    for (const pl of placed) {
      assert.equal(pl.offset % pl.paddedSize, 0)
      assert.ok(pl.offset >= prevEnd && pl.offset + pl.paddedSize <= p.sectorSize)
      prevEnd = pl.offset + pl.paddedSize
      sector.set(pieces[pl.piece]!, pl.offset)
    }
    for (const i of left)
      assert.ok(prevEnd + infos[i]!.paddedSize > p.sectorSize, `piece ${i} fitted, seed=${seed}`)
    assert.ok(
      bytesEqual(commDFromPieces(p.sectorSize, placed, noble256), commDOf(p, sector, noble256)),
      `seed=${seed}`,
    )
  }
})
