// The link between a validator's node key and its operator's wallet account, so that trust can
// start at the people who run the network (docs/mining.md, Trust seeds):
//   linkNode {node}   source = the operator account; the transaction must also carry a valid
//                     signature by `node` (the node key). Both keys sign the same body, so neither
//                     a stranger's account nor a stranger's node can be claimed. A later link signed
//                     by the node and another account replaces it (the node moved to a new wallet).
//                     A key that is both (node key = account) may link to itself.
// At a day boundary the operator accounts of the validators in force join the genesis seed
// accounts (trustSeeds); a linked key that is not a validator gives nothing.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { exactKeys, isBytes } from '../ledger/shape.ts'
import { err, ok, wattError } from '../util/errors.ts'
import type { DataReader } from '../ledger/lists.ts'
import { keys, MODULE } from './ledger-data.ts'
import type { MiningParams } from './params.ts'

export interface LinkNodeOp {
  readonly type: 'linkNode'
  readonly node: PublicKey
}

export type LinkCode = 'bad_link'

export const linkNode: OpHandler<LinkNodeOp, MiningParams, LinkCode> = {
  type: 'linkNode',
  parse: (raw) =>
    exactKeys(raw, ['type', 'node']) && isBytes(raw.node, 32)
      ? ok({ type: 'linkNode', node: raw.node as PublicKey })
      : err(wattError('malformed', { what: 'linkNode' })),
  apply: (d, op, ctx) => {
    const node = addressOf(op.node)
    if (!ctx.signers.has(node)) return wattError('bad_link', { reason: 'node_signature' })
    if (d.getData(MODULE, keys.operator(node)) === ctx.source)
      return wattError('bad_link', { reason: 'already_linked' })
    d.putData(MODULE, keys.operator(node), ctx.source)
    return undefined
  },
}

/** The operator account linked to a node key, if any. */
export const operatorOf = (d: DataReader, node: Address): Address | undefined =>
  d.getData(MODULE, keys.operator(node)) as Address | undefined

/**
 * Where a day's trust starts: the genesis seed accounts, then the operator accounts of the
 * validators in force, in that order (duplicates are dropped by the score). Never node keys.
 */
export const trustSeeds = (
  d: DataReader,
  params: MiningParams,
  validators: readonly Address[],
): readonly string[] => {
  const out = [...params.seedAccounts]
  for (const v of validators) {
    const op = operatorOf(d, v)
    if (op !== undefined) out.push(op)
  }
  return out
}
