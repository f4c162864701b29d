// How the simulator's workloads send transactions: signed with the run's scheme, checked as a
// node's gate would, handed to the scenario's `submit` (the nodes' mempools). Each account has at
// most one transaction in flight, retired once the reference node's ledger consumed its sequence
// number, or dropped after its timeout. One sender serves every workload of a run, so accounts
// they share (the faucet) never race on sequence numbers.
import { type Address, addressOf } from '../crypto/address.ts'
import type { Signer, Verifier } from '../crypto/signer.ts'
import type { Amount } from '../ledger/amount.ts'
import type { GenesisConfig } from '../ledger/config.ts'
import type { Protocol } from '../ledger/module.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, type LedgerState } from '../ledger/state.ts'
import type { TxId } from '../ledger/tx.ts'
import { encodeTx, signTx, type TxBody } from '../ledger/tx.ts'
import { checkTxs } from '../ledger/tx-set.ts'

/** How the workloads sign: the run's signature scheme (fast stand-in or Ed25519). */
export interface WorkloadKeys {
  readonly signer: (secret: Uint8Array) => Signer
  readonly verifier: Verifier
  /** Receives every transaction the workloads make. */
  readonly submit: (bytes: Uint8Array) => Promise<unknown>
}

interface InFlight {
  readonly seq: bigint
  readonly until: number
}

export class TxSender {
  readonly #config: GenesisConfig
  readonly #protocol: Protocol
  readonly #keys: WorkloadKeys
  /** At most one entry per account of the run's workloads. */
  readonly #inFlight = new Map<Address, InFlight>()
  #reference: LedgerState

  constructor(config: GenesisConfig, protocol: Protocol, keys: WorkloadKeys, genesis: LedgerState) {
    this.#config = config
    this.#protocol = protocol
    this.#keys = keys
    this.#reference = genesis
  }

  get keys(): WorkloadKeys {
    return this.#keys
  }

  get config(): GenesisConfig {
    return this.#config
  }

  /** The reference node's last closed state. */
  get reference(): LedgerState {
    return this.#reference
  }

  /** The reference node closed a ledger: retire what it applied, expire what waited too long. */
  observe(state: LedgerState, nowMs: number): void {
    this.#reference = state
    for (const [address, f] of this.#inFlight) {
      const acct = getAccount(state, address)
      if ((acct !== undefined && acct.seq >= f.seq) || nowMs > f.until) this.#inFlight.delete(address)
    }
  }

  /** Whether `address` exists on the ledger and has nothing in flight. */
  ready(address: Address): boolean {
    return getAccount(this.#reference, address) !== undefined && !this.#inFlight.has(address)
  }

  /**
   * Signs and submits `ops` from `from` (fee: the minimum plus `tip`) when it is ready and the
   * transaction passes the gate checks; its id, or undefined when nothing was sent.
   */
  async submit(
    from: Signer,
    ops: readonly Operation[],
    o: { nowMs: number; tip: bigint; timeoutMs: number },
  ): Promise<TxId | undefined> {
    const address = addressOf(from.publicKey)
    const acct = getAccount(this.#reference, address)
    if (acct === undefined || this.#inFlight.has(address)) return undefined
    const body: TxBody = {
      network: this.#config.networkId,
      source: from.publicKey,
      seq: acct.seq + 1n,
      fee: (this.#config.minFeePerOp * BigInt(ops.length) + o.tip) as Amount,
      minTimeMs: 0,
      maxTimeMs: 0,
      memo: new Uint8Array(0),
      ops: [...ops],
    }
    const bytes = encodeTx(await signTx(body, [from]))
    const [checked] = await checkTxs([bytes], this.#protocol, this.#keys.verifier)
    if (!checked?.ok) return undefined
    this.#inFlight.set(address, { seq: body.seq, until: o.nowMs + o.timeoutMs })
    await this.#keys.submit(bytes)
    return checked.value.id
  }
}
