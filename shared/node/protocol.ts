// The protocol a WATT network runs: the ledger's core operations plus mining (check-ins,
// circles, invites and the day-boundary distribution). The mining close step credits validators
// for the EXTERNALIZE signatures named in the agreed value, handed over through `signersHolder`.
import type { Address } from '../crypto/address.ts'
import { coreOperations, createProtocol, type Protocol } from '../ledger/index.ts'
import { miningCloseStep } from '../mining/day-close.ts'
import { miningOperations } from '../mining/operations.ts'
import { defaultMiningParams, type MiningParams } from '../mining/params.ts'

export interface SignersHolder {
  current: readonly string[]
}

export const networkProtocol = (
  holder: SignersHolder,
  params: MiningParams = defaultMiningParams,
): Protocol =>
  createProtocol({
    operations: [...coreOperations, ...miningOperations(params)],
    closeSteps: [miningCloseStep(params, { externalizeSigners: () => holder.current as readonly Address[] })],
  })
