// A validator node's operator: the account linked to its node key on the ledger (linkNode), and
// linking it to this wallet. The core signs the link with both the wallet's key and the node's
// key; once linked, the operator's circle is a trust seed (docs/mining.md, Trust seeds).
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import { shortAddress } from './mine-data.tsx'
import { describeError } from './wallet-data.tsx'

/** The node's operator account on the ledger, and linking it to this wallet (both keys sign). */
export const NodeOperator = ({ rpc, view }: { rpc: CoreRpc; view: MiningView }) => {
  const [note, setNote] = useState('')
  const operator = view.node.operator
  const link = async () => {
    setNote('Sending…')
    try {
      await rpc.call('mining.linkNode', undefined)
      setNote('Sent: your circle counts as a trust seed from the next day boundary.')
    } catch (err) {
      setNote(describeError(err))
    }
  }
  return (
    <>
      <div class="kv">
        <span>Operator</span>
        <code class="mono" data-testid="mine-node-operator" data-address={operator ?? ''} title={operator}>
          {operator ? (operator === view.address ? 'this wallet' : shortAddress(operator)) : 'not linked'}
        </code>
      </div>
      {view.wallet && operator !== view.address && (
        <button type="button" data-testid="node-link" onClick={() => void link()}>
          Link this node to my wallet
        </button>
      )}
      {note && (
        <p class="muted" data-testid="node-link-note">
          {note}
        </p>
      )}
    </>
  )
}
