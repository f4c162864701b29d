// The mining service's factory for the node core. Mining signs with the user's account key, which
// the wallet owns: the wallet service's vault, the one that holds the unlocked wrapping key of this
// core session (a PIN or passkey wallet signs nothing until its user unlocks it; mining then
// answers `wallet_locked`). Sequence numbers come from the ledger service (`nextSeq`), which sees
// the wallet's pending payments in the mempool.
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { WalletService } from '../wallet/wallet-service.ts'
import type { MiningEvents, MiningMethods } from './mining-api.ts'
import { createMiningService } from './mining-service.ts'

export const miningService = (
  c: ServiceComponents<{ ledger: LedgerNodeApi; wallet: WalletService }, MiningMethods, MiningEvents>,
) => createMiningService(c, { key: c.services.wallet.accountKey })
