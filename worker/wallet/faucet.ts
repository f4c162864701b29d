// Devnet faucet: every devnet node knows the faucet account's secret (it is published in the devnet
// genesis), so a wallet can pay itself test WATT from it: createAccount when the wallet's account
// does not exist yet, else a payment. Main networks have no faucet.
import { nobleSigner } from '../../shared/crypto/noble.ts'
import type { PublicKey } from '../../shared/crypto/signer.ts'
import {
  type Amount,
  addressOf,
  encodeTx,
  getAccount,
  type Operation,
  signTx,
  type TxBody,
  txIdOf,
  watt,
} from '../../shared/ledger/index.ts'
import { err, ok, type Result, type WattError, wattError } from '../../shared/util/errors.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import { TX_LIFETIME_MS } from './build-payment.ts'

export const FAUCET_AMOUNT: Amount = watt(100)

export interface FaucetTx {
  readonly id: string
  readonly bytes: Uint8Array
  readonly body: TxBody
  readonly faucet: ReturnType<typeof addressOf>
}

/** Builds and signs a faucet payment to `to`; `minSeq` skips sequence numbers this node has in flight. */
export const faucetTx = async (
  ledger: LedgerNodeApi,
  to: PublicKey,
  minSeq: bigint,
  nowMs: number,
): Promise<Result<FaucetTx, WattError>> => {
  const secret = ledger.faucetSecret()
  if (!secret) return err(wattError('no_faucet'))
  const signer = nobleSigner(secret)
  const faucet = addressOf(signer.publicKey)
  const { state } = ledger.current()
  const config = ledger.genesis()
  const acct = getAccount(state, faucet)
  const fee = config.minFeePerOp
  if (!acct || acct.balance < FAUCET_AMOUNT + fee) return err(wattError('faucet_empty'))
  const exists = getAccount(state, addressOf(to)) !== undefined
  const next = ledger.nextSeq(faucet)
  const body: TxBody = {
    network: config.networkId,
    source: signer.publicKey,
    // past the faucet's txs already in the mempool, from this node or flooded by others
    seq: next > minSeq + 1n ? next : minSeq + 1n,
    fee,
    minTimeMs: 0,
    maxTimeMs: Math.max(nowMs, state.header.closeTimeMs) + TX_LIFETIME_MS,
    memo: new Uint8Array(0),
    ops: [{ type: exists ? 'payment' : 'createAccount', dest: to, amount: FAUCET_AMOUNT } as Operation],
  }
  const signed = await signTx(body, [signer])
  return ok({ id: txIdOf(signed), bytes: encodeTx(signed), body, faucet })
}
