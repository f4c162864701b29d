// The `wallet` core service: one account key per node (BIP-39 phrase, sealed in the vault), sending
// payments through the `ledger` service, the devnet faucet, and a bounded, persisted history kept
// current from closed ledgers. Tabs reach it over RPC (wallet.*) and hear `wallet` events.
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { addressOf, encodeTx, formatWatt, getAccount, signTx, txIdOf } from '../../shared/ledger/index.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import { registerAll } from '../rpc/server.ts'
import type { Handlers } from '../rpc/table.ts'
import { lockOf, type WalletEvents, type WalletMethods } from './wallet-api.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from '../node/ledger-node-api.ts'
import { ledgerLink, type OnLedger, serialQueue } from '../node/ledger-link.ts'
import { buildPayment, defaultFee, type SendRequest } from './build-payment.ts'
import { faucetTx } from './faucet.ts'
import { addPending, type HistoryItem, MAX_HISTORY, observeLedger, pendingOut } from './history.ts'
import { parsePhrase, phraseFromEntropy, pickConfirmPositions, secretFromPhrase } from './mnemonic.ts'
import { type AccountInfo, type AccountKey, createVault, type Vault, type WalletKv } from './vault.ts'
import type { NewLock } from './vault-locks.ts'
import {
  type CreatedWallet,
  type HistoryRow,
  type SubmittedTx,
  VIEW_HISTORY,
  type WalletView,
} from './wallet-view.ts'

export interface WalletDeps {
  readonly kv: () => Promise<WalletKv>
  readonly subtle: SubtleCrypto
  readonly random: (n: number) => Uint8Array
  /** PBKDF2 iterations for a new PIN (tests lower it); the vault's default otherwise. */
  readonly pinIterations?: number
}

/** What the wallet service offers the services that depend on it (mining signs with its key). */
export interface WalletService extends CoreService {
  readonly name: 'wallet'
  view(): WalletView
  readonly accountKey: AccountKey
}

const HISTORY_KEY = 'history'
/**
 * Every devnet node signs faucet payments from the one faucet account, so two nodes can pick the
 * same sequence number when one has not seen the other's payment yet; the loser is dropped with
 * `seq_taken`. The wallet then asks again, at most this many times.
 */
const FAUCET_RETRIES = 2
const MAX_RECENT_LEDGERS = 50

const row = (i: HistoryItem): HistoryRow => ({
  id: i.id,
  dir: i.dir,
  counterparty: i.counterparty,
  amount: formatWatt(i.amount),
  fee: formatWatt(i.fee),
  state: i.state,
  timeMs: i.timeMs,
  ...(i.code === undefined ? {} : { code: i.code }),
  ...(i.ledger === undefined ? {} : { ledger: i.ledger }),
})

export const createWalletService = (
  c: Pick<ServiceComponents<OnLedger, WalletMethods, WalletEvents>, 'rpc' | 'services' | 'now'>,
  deps: WalletDeps,
): WalletService => {
  let kv: WalletKv | undefined
  let vault: Vault | undefined
  let account: AccountInfo | undefined
  let history: HistoryItem[] = []
  // one mutating job at a time: sequence numbers and the history stay consistent
  const serial = serialQueue()
  const link = ledgerLink(c.services, (e) => onClosed(e))
  const ledger = link.get
  const needLedger = link.need
  const needAccount = (): AccountInfo => account ?? fail('no_wallet')
  const needUnlocked = (): AccountInfo => (needAccount().locked ? fail('wallet_locked') : needAccount())

  const view = (): WalletView => {
    const l = ledger()
    const cur = l?.current()
    const acct = account && cur ? getAccount(cur.state, account.address) : undefined
    return {
      exists: account !== undefined,
      ...(account ? { address: account.address } : {}),
      backedUp: account?.backedUp ?? false,
      confirmPositions: account?.backedUp ? [] : (account?.confirmPositions ?? []),
      ...(account ? { lock: account.lock } : {}),
      locked: account?.locked ?? false,
      ...(account?.passkey ? { passkey: account.passkey } : {}),
      balance: formatWatt(acct?.balance ?? 0n),
      accountExists: acct !== undefined,
      ...(cur
        ? {
            ledger: {
              seq: cur.header.seq,
              hash: cur.hash,
              closeTimeMs: cur.header.closeTimeMs,
              feePool: formatWatt(cur.header.feePool),
            },
          }
        : {}),
      faucet: l?.faucetSecret() !== undefined,
      minFee: l ? formatWatt(defaultFee(l.genesis())) : '0',
      history: history.slice(0, VIEW_HISTORY).map(row),
    }
  }

  const changed = () => c.rpc.broadcast('wallet', view())
  const saveHistory = async (items: HistoryItem[]) => {
    history = items
    await kv?.put(HISTORY_KEY, items)
    changed()
  }

  const onClosed = (closed: ClosedLedgerEvent) => {
    if (!account) return changed()
    const r = observeLedger(history, account.address, closed)
    if (!r.changed) return changed()
    const was = new Map(history.map((i) => [i.id, i.state]))
    // faucet requests (only they carry `attempt`) that this ledger dropped for a taken seq
    const raced = r.items.filter(
      (i) =>
        i.attempt !== undefined &&
        i.attempt <= FAUCET_RETRIES &&
        i.code === 'seq_taken' &&
        was.get(i.id) === 'pending',
    )
    void serial(async () => {
      await saveHistory(r.items)
      for (const i of raced) await faucet(i.attempt! + 1).catch(() => {}) // an empty faucet: the row says dropped
    })
  }

  const adopt = async (secret: Uint8Array, phrase: readonly string[] | undefined, lock: NewLock) => {
    const publicKey = nobleSigner(secret).publicKey
    account = await vault!.save({
      address: addressOf(publicKey),
      publicKey,
      secret,
      ...(phrase ? { phrase } : {}),
      confirmPositions: phrase ? pickConfirmPositions(deps.random(16)) : [],
      lock,
    })
    secret.fill(0)
    await saveHistory([])
  }

  const submit = async (l: LedgerNodeApi, bytes: Uint8Array, item: HistoryItem): Promise<SubmittedTx> => {
    const r = await l.submit(bytes)
    if (!r.ok) return fail(r.error.code, r.error as WattError)
    await saveHistory(addPending(history, item))
    return { id: item.id }
  }

  const send = async (params: SendRequest): Promise<SubmittedTx> => {
    const me = needUnlocked()
    const l = needLedger()
    const { state } = l.current()
    const pend = pendingOut(history)
    const acct = getAccount(state, me.address)
    let seq = acct?.seq ?? 0n
    let spendable = acct?.balance ?? 0n
    for (const p of pend) {
      if (p.seq > seq) seq = p.seq
      spendable -= p.amount + p.fee
    }
    // the mempool also holds this account's txs from other services (mining)
    const next = l.nextSeq(me.address)
    const built = buildPayment(params, {
      state,
      config: l.genesis(),
      source: me.publicKey,
      seq: next > seq + 1n ? next : seq + 1n,
      spendable,
      pendingDests: new Set(pend.map((p) => p.counterparty)),
      nowMs: c.now(),
    })
    if (!built.ok) return fail(built.error.code, built.error)
    const body = built.value
    const signed = await vault!.withSigner((s) => signTx(body, [s]))
    const op = body.ops[0] as unknown as { dest: Uint8Array; amount: bigint }
    return submit(l, encodeTx(signed), {
      id: txIdOf(signed),
      dir: 'out',
      counterparty: addressOf(op.dest),
      amount: op.amount,
      fee: body.fee,
      seq: body.seq,
      state: 'pending',
      timeMs: c.now(),
      maxTimeMs: body.maxTimeMs,
    })
  }

  const faucet = async (attempt = 1): Promise<SubmittedTx> => {
    const me = needAccount()
    const l = needLedger()
    let minSeq = 0n // faucet sequence numbers this node already has in flight
    for (const i of history) if (i.state === 'pending' && i.dir === 'in' && i.seq > minSeq) minSeq = i.seq
    const r = await faucetTx(l, me.publicKey, minSeq, c.now())
    if (!r.ok) return fail(r.error.code, r.error)
    const { body } = r.value
    return submit(l, r.value.bytes, {
      id: r.value.id,
      dir: 'in',
      counterparty: r.value.faucet,
      amount: (body.ops[0] as unknown as { amount: bigint }).amount,
      fee: body.fee,
      seq: body.seq,
      state: 'pending',
      timeMs: c.now(),
      maxTimeMs: body.maxTimeMs,
      attempt,
    })
  }

  /** Runs a vault job that changes the lock state, then tells every tab. */
  const refreshAfter = (job: () => Promise<AccountInfo>) =>
    serial(async () => {
      needAccount()
      account = await job()
      changed()
      return view()
    })

  const handlers: Handlers<WalletMethods> = {
    'wallet.status': () => view(),
    'wallet.create': (p) =>
      serial(async (): Promise<CreatedWallet> => {
        if (account && !p.replace) return fail('wallet_exists')
        const phrase = phraseFromEntropy(deps.random(32))
        await adopt(await secretFromPhrase(phrase), phrase, lockOf(p))
        return { phrase, view: view() }
      }),
    'wallet.restore': (p) =>
      serial(async () => {
        if (account && !p.replace) return fail('wallet_exists')
        const words = parsePhrase(p.phrase)
        if (!words.ok) return fail(words.error.code, words.error)
        await adopt(await secretFromPhrase(words.value), undefined, lockOf(p))
        return view()
      }),
    'wallet.confirmBackup': ({ answers }) =>
      serial(async () => {
        needAccount()
        if (!(await vault!.confirmBackup(answers))) return fail('backup_mismatch')
        account = await vault!.load()
        changed()
        return view()
      }),
    'wallet.unlock': (p) => refreshAfter(() => vault!.unlock(p)),
    'wallet.lock': () => refreshAfter(() => vault!.lock()),
    'wallet.setLock': (p) => refreshAfter(() => vault!.relock(p)),
    'wallet.send': (p) => serial(() => send(p)),
    'wallet.faucet': () => serial(() => faucet()),
    'wallet.history': (p) => history.slice(0, Math.min(p?.limit ?? MAX_HISTORY, MAX_HISTORY)).map(row),
    'wallet.ledgers': async (p) =>
      needLedger().recent(Math.min(p?.limit ?? MAX_RECENT_LEDGERS, MAX_RECENT_LEDGERS)),
  }

  return {
    name: 'wallet',
    async start() {
      kv = await deps.kv()
      vault = createVault(kv, deps.subtle, deps.random, { pinIterations: deps.pinIterations })
      account = await vault.load()
      history = ((await kv.get(HISTORY_KEY)) as HistoryItem[] | undefined) ?? []
      registerAll(c.rpc, handlers)
      changed()
    },
    stop() {
      link.stop()
    },
    view,
    accountKey: {
      load: async () => vault?.load(),
      withSigner: (job) => (vault ?? fail('no_wallet')).withSigner(job),
    },
  }
}
