// Transactions into the mempool: every one is checked (decode, signatures) before it is
// admitted; one submitted here is flooded on the `tx` topic, and after each close the txs still
// pending are flooded again on a backoff (tx-rebroadcast.ts), since gossip does not guarantee
// delivery.
import { checkTx, createMempool, type LedgerState } from '../ledger/index.ts'
import { ok, type Result, type WattError } from '../util/errors.ts'
import type { NodeView } from './herder-types.ts'
import { createTxRebroadcast } from './tx-rebroadcast.ts'

export const createTxAdmission = (view: NodeView) => {
  const { init, ports: p, count } = view
  const mempool = createMempool(init.env.config)
  const flood = createTxRebroadcast()

  const admit = async (
    bytes: Uint8Array,
    fromHere: boolean,
  ): Promise<Result<{ txId: string }, WattError>> => {
    const c = await checkTx(bytes, init.env.protocol, p.verifier)
    if (!c.ok) return c
    const state = view.ledger()
    const added = mempool.add(c.value, state, p.now())
    if (!added.ok) {
      if (added.error.code !== 'duplicate') count(`tx_rejected_${added.error.code}`)
      return added
    }
    if (fromHere) {
      p.publish('tx', bytes)
      flood.flooded(c.value.id, state.header.seq)
    }
    return ok({ txId: c.value.id })
  }

  return {
    mempool,
    admit,
    /** Drops what the closed ledger applied or made invalid; floods what is due again. */
    closed(slot: number, state: LedgerState, results: readonly { readonly tx: string }[] = []) {
      mempool.update(state, p.now(), new Set(results.map((r) => r.tx)))
      for (const bytes of flood.due(slot, mempool.pending())) p.publish('tx', bytes)
    },
  }
}
