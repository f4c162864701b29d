// The `mining` core service: the Mine screen's RPC (mining.status, mining.checkIn,
// mining.registerPasskey, mining.setCircle, mining.acceptInvite, mining.linkNode, mining.history)
// and a `mining` event after every closed ledger. A check-in carries the page's WebAuthn assertion
// as it is (the validators verify it) or, the weaker kind, a press-and-hold the core checks first
// (presence.ts). Check-ins, passkeys and invites go fee-free; a newcomer's first check-in opens its
// account and carries the passkey it registered before. Transactions are signed with the wallet's
// account key (account-key.ts), a node link also with this node's key, and followed until a
// closed ledger applies, rejects or drops them.
import {
  type Address,
  addressOf,
  encodeTx,
  getAccount,
  getData,
  signTx,
  stateData,
  txIdOf,
  validatorSetAt,
} from '../../shared/ledger/index.ts'
import type { Signer } from '../../shared/crypto/signer.ts'
import { keys, MODULE } from '../../shared/mining/ledger-data.ts'
import { miningModule } from '../../shared/mining/module.ts'
import { getPasskey } from '../../shared/mining/passkeys.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from '../node/ledger-node-api.ts'
import { createAccountTxs } from '../node/account-txs.ts'
import { ledgerLink, type OnLedger, serialQueue } from '../node/ledger-link.ts'
import { registerAll } from '../rpc/server.ts'
import type { Handlers } from '../rpc/table.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { CheckInProof, MiningEvents, MiningMethods, RegisterPasskeyParams } from './mining-api.ts'
import { isFeeless, miningTxBody, parseAcceptInvite, parseSetCircle } from './mining-requests.ts'
import {
  buildMiningView,
  type DayUptime,
  dayUptime,
  estimateRewards,
  type MiningTxKind,
  type MiningView,
  todayOf,
} from './mining-view.ts'
import { checkPresence } from './presence.ts'

export interface MiningDeps {
  readonly key: AccountKey
}

/** Transactions followed at once (older finished ones are forgotten first). */
const MAX_TXS = 20
/** The estimate runs a whole day's distribution: at most this often. */
const ESTIMATE_EVERY_MS = 5_000

const notReady = (node: Address): MiningView => ({
  ready: false,
  wallet: false,
  accountExists: false,
  balance: '0',
  today: 0,
  networkId: '',
  ledgerSeq: 0,
  ledgerDay: 0,
  checkedInToday: false,
  passkeys: 0,
  passkeyPending: false,
  checkInPending: false,
  nextDayAtMs: 0,
  dayLengthMs: 0,
  checkInsToday: 0,
  circle: [],
  circleMin: 0,
  circleMax: 0,
  history: [],
  node: { address: node, validator: false, accountExists: false, balance: '0', history: [] },
  feePool: '0',
  phase1Remaining: '0',
  txs: [],
})

export const createMiningService = (
  c: Pick<ServiceComponents<OnLedger, MiningMethods, MiningEvents>, 'rpc' | 'services' | 'now' | 'identity'>,
  deps: MiningDeps,
): CoreService => {
  const nodeAddress = addressOf(c.identity.signer.publicKey)
  const txs = createAccountTxs<MiningTxKind>(MAX_TXS)
  let lastDownAt = 0
  let estimate: { day: number; seq: number; me: string; at: number; value: bigint | undefined } | undefined
  // the uptime of the day of the last closed ledger, and of the day before once it is finished
  let uptime: DayUptime | undefined
  let lastDay: DayUptime | undefined
  const serial = serialQueue()
  const link = ledgerLink(c.services, (e) => onClosed(e))
  const ledger = link.get
  const needLedger = link.need

  const estimateFor = (l: LedgerNodeApi, me: Address | undefined): bigint | undefined => {
    const { state } = l.current()
    const config = l.genesis()
    const day = todayOf(config, state, c.now())
    const who = me ?? nodeAddress
    const fresh =
      estimate &&
      estimate.day === day &&
      estimate.me === who &&
      (estimate.seq === state.header.seq || c.now() - estimate.at < ESTIMATE_EVERY_MS)
    if (!fresh) {
      const value = estimateRewards(state, config, day, [who]).get(who)
      estimate = { day, seq: state.header.seq, me: who, at: c.now(), value }
    }
    return estimate?.value
  }

  const view = async (): Promise<MiningView> => {
    const l = ledger()
    if (!l) return notReady(nodeAddress)
    const me = (await deps.key.load())?.address
    const { state } = l.current()
    return buildMiningView({
      state,
      config: l.genesis(),
      nowMs: c.now(),
      me,
      node: nodeAddress,
      lastDay,
      estimate: me || validatorSetAt(state).includes(nodeAddress) ? estimateFor(l, me) : undefined,
      passkeyPending: pendingPasskey() !== undefined,
      txs: txs.views(),
    })
  }

  const changed = () =>
    void view().then(
      (v) => c.rpc.broadcast('mining', v),
      () => {},
    )

  const onClosed = (e: ClosedLedgerEvent) => {
    if (uptime && uptime.day < e.header.dayIndex) lastDay = uptime
    uptime = dayUptime(e.state, e.header.dayIndex)
    if (txs.anyPending()) {
      void deps.key.load().then((me) => {
        txs.closed(e, me?.address)
        changed()
      })
    } else changed()
  }

  const submit = async (
    kind: MiningTxKind,
    build: (me: Address) => readonly { type: string }[],
    cosigners: readonly Signer[] = [],
  ) => {
    const me = (await deps.key.load()) ?? fail('no_wallet')
    const l = needLedger()
    const { state } = l.current()
    const config = l.genesis()
    const ops = build(me.address)
    const acct = getAccount(state, me.address)
    // a fee-free check-in opens a newcomer's account (shared/mining/operations.ts)
    if (!acct && kind !== 'checkIn') fail('no_account', { account: me.address })
    if (!isFeeless(ops) && (acct?.balance ?? 0n) < config.minFeePerOp * BigInt(ops.length))
      fail('insufficient_balance', { spendable: String(acct?.balance ?? 0n) })
    // the mempool knows the wallet's pending payments as well as this service's own txs
    const seq = txs.nextSeq(l.nextSeq(me.address))
    const body = miningTxBody(ops, me.publicKey, seq, config, state, c.now())
    const signed = await deps.key.withSigner((s) => signTx(body, [s, ...cosigners]))
    const r = await l.submit(encodeTx(signed))
    if (!r.ok) return fail(r.error.code, r.error as WattError)
    const id = txIdOf(signed)
    txs.add(id, kind, body)
    changed()
    return { id }
  }

  const checkIn = async (given: CheckInProof) => {
    const passkey = 'kind' in given
    if (!passkey) {
      const hold = checkPresence(given, c.now(), lastDownAt)
      if (!hold.ok) return fail(hold.error.code, hold.error)
      lastDownAt = hold.value.down.at
    }
    const current = await view()
    if (current.checkedInToday) return fail('already_checked_in', { day: current.today })
    if (current.checkInPending) return fail('check_in_pending')
    const presence = passkey ? given : { kind: 'hold' }
    const waiting = passkey ? pendingPasskey() : undefined
    return submit('checkIn', () => [...(waiting ? [registerOp(waiting)] : []), { type: 'checkIn', presence }])
  }

  // a passkey registered before the account exists waits for the passkey check-in that opens it
  // (or the first one after the account was opened otherwise), until the ledger has it
  let pending: RegisterPasskeyParams | undefined
  const registerOp = (p: RegisterPasskeyParams) => ({ type: 'registerPasskey', ...p })
  const pendingPasskey = (): RegisterPasskeyParams | undefined => {
    const l = ledger()
    if (pending && l && getPasskey(stateData(l.current().state), pending.credentialId)) pending = undefined
    return pending
  }
  const registerPasskey = async (p: RegisterPasskeyParams) => {
    const me = (await deps.key.load()) ?? fail('no_wallet')
    if (getAccount(needLedger().current().state, me.address)) {
      pending = undefined
      return { ...(await submit('registerPasskey', () => [registerOp(p)])), pending: false }
    }
    pending = p
    changed()
    return { pending: true }
  }

  const handlers: Handlers<MiningMethods> = {
    'mining.status': () => view(),
    'mining.history': async () => (await view()).history,
    'mining.checkIn': (p) => serial(() => checkIn(p.proof)),
    'mining.registerPasskey': (p) => serial(() => registerPasskey(p)),
    'mining.setCircle': (p) =>
      serial(() =>
        submit('setCircle', (me) => {
          const { state } = needLedger().current()
          const op = parseSetCircle(p.members, me, state, miningModule.readers.params(state))
          return op.ok ? [op.value] : fail(op.error.code, op.error)
        }),
      ),
    'mining.linkNode': () =>
      serial(() =>
        submit(
          'linkNode',
          (me) => {
            const operator = getData(needLedger().current().state, MODULE, keys.operator(nodeAddress))
            if (operator === me) fail('bad_link', { reason: 'already_linked' })
            return [{ type: 'linkNode', node: c.identity.signer.publicKey }]
          },
          [c.identity.signer],
        ),
      ),
    'mining.acceptInvite': (p) =>
      serial(() =>
        submit('acceptInvite', (me) => {
          const op = parseAcceptInvite(p.ambassador, me, needLedger().current().state)
          return op.ok ? [op.value] : fail(op.error.code, op.error)
        }),
      ),
  }

  return {
    name: 'mining',
    async start() {
      registerAll(c.rpc, handlers)
      ledger()
      changed()
    },
    stop() {
      link.stop()
    },
  }
}
