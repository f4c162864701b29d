// The client's side of paid retrieval (issue 15 item 3, docs/retrieval.md "Paying in the node").
// A fetch's session takes each priced server's ask, makes sure one of the wallet's payment
// channels on the ledger can cover the whole file at the highest price taken (using a live one,
// topping it up, or opening one: one operation, reusable by every later fetch and every server),
// then signs one cumulative voucher per server as blocks from it verify. Vouchers are cumulative
// per (channel, payee) across fetches, so what was promised to each payee is kept in the meta
// store and written before the voucher is signed: a tab closed mid-fetch never signs the same
// amount twice for different bytes. Free servers cost nothing: no channel, no ledger operation.
import { addressOf } from '../../shared/crypto/address.ts'
import type { PublicKey } from '../../shared/crypto/signer.ts'
import type { Amount } from '../../shared/ledger/amount.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { retrievalModule } from '../../shared/retrieval/module.ts'
import type { ChannelView } from '../../shared/retrieval/readers.ts'
import { isClosing } from '../../shared/retrieval/store.ts'
import { encodeVoucher, signVoucher, voucherDue } from '../../shared/retrieval/voucher.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import { serialQueue } from '../node/ledger-link.ts'
import type { WalletTxs } from '../wallet/wallet-txs.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { ADMITTED, type Admission, type PaymentSession, type RetrievalAsk } from './payments.ts'

const R = retrievalModule.readers

export type RetrievalTxKind = 'openChannel' | 'fundChannel' | 'redeem'

/** A channel is used only with at least this many ledgers before it expires (about an hour at 5 s). */
export const MIN_CHANNEL_LEFT = 720
/** A new channel's life (about a day at 5 s), within the module's bounds. */
export const CHANNEL_LEDGERS = 17_280
/** A file's DAG is taken as up to 1/DAG_SLACK larger than its bytes when no server says its size. */
const DAG_SLACK = 32n
/** How long a channel transaction may take to be applied before the fetch gives up on it. */
const FUND_WAIT_MS = 90_000

export interface MetaStore {
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
}

export interface ClientPaymentsDeps {
  readonly ledger: () => LedgerNodeApi
  readonly key: AccountKey
  readonly txs: WalletTxs<RetrievalTxKind>
  readonly meta: MetaStore
}

const PROMISED_KEY = 'retrieval.promised'
const promiseKey = (channel: number, payee: string) => `${channel}/${payee}`

/** Base units promised per (channel, payee): kept for live channels only (a bounded set). */
const loadPromised = async (meta: MetaStore) => {
  const stored = (await meta.getMeta<Record<string, string>>(PROMISED_KEY)) ?? {}
  const promised = new Map(Object.entries(stored).map(([k, v]) => [k, BigInt(v)]))
  const write = serialQueue()
  return {
    get: (channel: number, payee: string): bigint => promised.get(promiseKey(channel, payee)) ?? 0n,
    /** What the channel's payees may still redeem beyond what they were paid. */
    outstanding(c: ChannelView): bigint {
      let sum = 0n
      for (const [k, v] of promised) {
        const [id, payee] = k.split('/') as [string, string]
        const left = v - (c.payees[payee] ?? 0n)
        if (Number(id) === c.id && left > 0n) sum += left
      }
      return sum
    },
    /** Raises the promise and stores it before anything signs it; channels no longer live are dropped. */
    raise(channel: number, payee: string, total: bigint, live: ReadonlySet<number>): Promise<void> {
      promised.set(promiseKey(channel, payee), total)
      for (const k of [...promised.keys()]) if (!live.has(Number(k.split('/')[0]))) promised.delete(k)
      const snapshot = Object.fromEntries([...promised].map(([k, v]) => [k, v.toString()]))
      return write(() => meta.putMeta(PROMISED_KEY, snapshot))
    },
  }
}

type Promised = Awaited<ReturnType<typeof loadPromised>>

interface PricedServer {
  readonly price: bigint
  readonly payee: PublicKey
  /** Base units of this fetch's verified bytes already covered by a voucher to it. */
  paid: bigint
  last?: Uint8Array
}

const usable = (c: ChannelView, seq: number) => !isClosing(c, seq) && c.expires - seq >= MIN_CHANNEL_LEFT

/** Base units the channel can still promise. */
const room = (c: ChannelView, promised: Promised) => c.balance - promised.outstanding(c)

export const createClientPayments = (d: ClientPaymentsDeps) => {
  const loading = loadPromised(d.meta)
  const funding = serialQueue()

  const myChannels = (state: LedgerState, me: string) => R.channelsByClient(state, me)

  /** Submits the channel operation and waits for its ledger; the channel id it left, or a refusal. */
  const fund = async (state: LedgerState, me: string, need: bigint): Promise<number | Admission> => {
    const promised = await loading
    const seq = state.header.seq
    const open = myChannels(state, me).filter((c) => usable(c, seq))
    const top = open.at(-1)
    const p = R.params(state)
    const op = top
      ? { type: 'fundChannel', channel: top.id, amount: need - room(top, promised) }
      : {
          type: 'openChannel',
          amount: need > p.minChannelAmount ? need : p.minChannelAmount,
          expires: seq + Math.min(p.maxChannelLedgers, Math.max(p.minChannelLedgers, CHANNEL_LEDGERS)),
        }
    const { id } = await d.txs.submit(op.type as RetrievalTxKind, [op], op.amount as bigint)
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), FUND_WAIT_MS))
    const t = await Promise.race([d.txs.settled(id), timer])
    if (t === 'late') return { ok: false, code: 'payment_timeout' }
    if (t.state !== 'applied') return { ok: false, code: t.code ?? 'payment_failed' }
    if (top) return top.id
    const after = myChannels(d.ledger().current().state, me)
    return after.at(-1)?.id ?? { ok: false, code: 'payment_failed' }
  }

  /** A live channel of the wallet's with room for `need`, funded if it has to be. */
  const channelFor = (me: string, need: bigint): Promise<number | Admission> =>
    funding(async () => {
      const promised = await loading
      const { state } = d.ledger().current()
      const seq = state.header.seq
      const ready = myChannels(state, me).find((c) => usable(c, seq) && room(c, promised) >= need)
      return ready ? ready.id : fund(state, me, need)
    })

  /** The wallet's address when it can sign, or why it cannot. */
  const payer = async (): Promise<string | Admission> => {
    const me = await d.key.load()
    if (!me) return { ok: false, code: 'no_wallet' }
    return me.locked ? { ok: false, code: 'wallet_locked' } : me.address
  }

  const session = (maxPay?: bigint): PaymentSession => {
    const servers = new Map<string, PricedServer>()
    let bytes = 0n
    /** Base units this fetch promised in all (never above maxPay). */
    let spent = 0n
    let paying: { readonly me: string; readonly channel: number } | undefined
    const sign = serialQueue()

    /**
     * The voucher covering `due` for this fetch's bytes from `s` (the last one when nothing is new,
     * or when paying more would take the fetch above `maxPay`: that server then stops serving it).
     */
    const voucher = (s: PricedServer, due: bigint, p: { me: string; channel: number }) =>
      sign(async () => {
        if (due <= s.paid || (maxPay !== undefined && spent + (due - s.paid) > maxPay)) return s.last
        spent += due - s.paid
        const promised = await loading
        const payee = addressOf(s.payee)
        const total = promised.get(p.channel, payee) + (due - s.paid)
        const l = d.ledger()
        const live = new Set(myChannels(l.current().state, p.me).map((c) => c.id)).add(p.channel)
        await promised.raise(p.channel, payee, total, live)
        s.paid = due
        const terms = { channel: p.channel, payee: s.payee, amount: total as Amount }
        s.last = encodeVoucher(await d.key.withSigner((k) => signVoucher(k, l.genesis().networkId, terms)))
        return s.last
      })

    return {
      priced(server: string, ask: RetrievalAsk, size: number): Admission {
        if (ask.pricePerByte === 0n) return ADMITTED
        if (!ask.payee) return { ok: false, code: 'bad_ask' }
        const dag = BigInt(Math.max(size, ask.size ?? 0))
        if (maxPay !== undefined && voucherDue(dag, ask.pricePerByte) > maxPay)
          return { ok: false, code: 'too_expensive' }
        servers.set(server, { price: ask.pricePerByte, payee: ask.payee as PublicKey, paid: 0n })
        if (dag > bytes) bytes = dag
        return ADMITTED
      },
      async ready(): Promise<Admission> {
        const me = await payer()
        if (typeof me !== 'string') return me
        const top = [...servers.values()].reduce((m, s) => (s.price > m ? s.price : m), 0n)
        const worst = voucherDue(bytes + bytes / DAG_SLACK + 1n, top)
        const need = maxPay !== undefined && maxPay < worst ? maxPay : worst
        const got = await channelFor(me, need).catch((e: { code?: string }) => ({
          ok: false as const,
          code: e?.code ?? 'payment_failed',
        }))
        if (typeof got !== 'number') return got
        paying = { me, channel: got }
        return ADMITTED
      },
      voucherFor: async (server: string, verifiedBytes: number) => {
        const s = servers.get(server)
        if (!s || !paying) return undefined
        return voucher(s, voucherDue(BigInt(verifiedBytes), s.price), paying)
      },
    }
  }
  return { session }
}
