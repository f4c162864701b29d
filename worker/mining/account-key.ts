// Mining signs with the user's account key, which the wallet owns: the wallet service's vault, the
// one that holds the unlocked wrapping key of this core session (a PIN or passkey wallet signs
// nothing until its user unlocks it; mining then answers `wallet_locked`). Mining starts after the
// wallet (service-list.ts), so the wallet service is there when mining is built. Sequence numbers
// come from the ledger service (`nextSeq`), which sees the wallet's pending payments in the mempool.
import { fail } from '../../shared/util/errors.ts'
import type { CoreService } from '../core/service.ts'
import type { AccountKey } from '../wallet/vault.ts'

export type { AccountKey }

const noWallet: AccountKey = { load: async () => undefined, withSigner: async () => fail('no_wallet') }

export const walletAccountKey = (services: ReadonlyMap<string, CoreService>): AccountKey =>
  (services.get('wallet') as (CoreService & { accountKey?: AccountKey }) | undefined)?.accountKey ?? noWallet
