// The server's side of paid retrieval (issue 15 item 3, docs/retrieval.md "Paying in the node").
// Its ask is the price this node set (serve-settings.ts), a payment interval and its wallet's key
// as payee. Each voucher a peer hands over is checked against the ledger before it counts: for
// this payee, on a live channel, signed by the channel's owner, backed by what the channel still
// holds, and above the best voucher already held for that channel; only the increase is credited,
// to the peer that brought it. A peer more than one interval of bytes ahead of its credit is
// refused with `payment_required`. The best voucher per channel is kept in the meta store and
// redeemed (one ledger operation) a little after the last voucher for its channel, or at once when its
// channel's dispute window is closing; what a redeem paid, read back from the ledger, is earned.
import { addressOf, parseAddress } from '../../shared/crypto/address.ts'
import { BoundedMap } from '../../shared/node/bounded-map.ts'
import { retrievalModule } from '../../shared/retrieval/module.ts'
import { decodeVoucher, type Voucher, verifyVoucher } from '../../shared/retrieval/voucher.ts'
import { bytesEqual } from '../../shared/util/bytes.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { WalletTxs } from '../wallet/wallet-txs.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { MetaStore, RetrievalTxKind } from './payments-client.ts'
import { ADMITTED, type Admission, FREE_ASK, type RetrievalAsk, type ServerPayments } from './payments.ts'

const R = retrievalModule.readers

/** Bytes a peer may be served ahead of what its vouchers pay: Filecoin's first interval, 1 MiB. */
export const PAYMENT_INTERVAL = 1 << 20
/** A voucher is redeemed this long after the last one for its channel arrived. */
export const REDEEM_DELAY_MS = 3000
/** Redeemed at once when its channel has this few ledgers left to redeem in. */
export const REDEEM_MARGIN = 60
/** Channels whose best voucher is held at most (each is a few hundred bytes). */
export const MAX_HELD_VOUCHERS = 256
/** Peers whose credit and debt are counted at once. */
const MAX_PEERS = 1024

export interface ServerPaymentsDeps {
  readonly ledger: () => LedgerNodeApi | undefined
  readonly key: AccountKey
  readonly txs: WalletTxs<RetrievalTxKind>
  readonly meta: MetaStore
  /** This node's price per byte of `cid` (0n: free). */
  readonly priceOf: (cid: string) => bigint
  /** A redeem paid this many base units (read back from the ledger). */
  readonly onEarned: (amount: bigint) => void | Promise<void>
  readonly redeemDelayMs?: number
}

interface Held {
  readonly bytes: Uint8Array
  readonly amount: bigint
  /** What the ledger had paid this node from the channel when last read. */
  readonly redeemed: bigint
}

const HELD_KEY = 'retrieval.vouchers'

type StoredHeld = Record<string, { bytes: Uint8Array; amount: string; redeemed: string }>

/** `held` kept in the meta store: `load` fills it, `save` writes it back (writes in order). */
const heldStore = (meta: MetaStore, held: Map<number, Held>) => {
  let writing = Promise.resolve()
  return {
    async load(): Promise<void> {
      const stored = (await meta.getMeta<StoredHeld>(HELD_KEY)) ?? {}
      for (const [k, v] of Object.entries(stored))
        held.set(Number(k), { bytes: v.bytes, amount: BigInt(v.amount), redeemed: BigInt(v.redeemed) })
    },
    save(): Promise<void> {
      const snapshot: StoredHeld = {}
      for (const [k, v] of held)
        snapshot[k] = { bytes: v.bytes, amount: v.amount.toString(), redeemed: v.redeemed.toString() }
      writing = writing.then(() => meta.putMeta(HELD_KEY, snapshot)).catch(() => {})
      return writing
    },
  }
}

type Refusal = { readonly ok: false; readonly code: string }
const refuse = (code: string): Refusal => ({ ok: false, code })

export const createServerPayments = (d: ServerPaymentsDeps) => {
  const held = new Map<number, Held>()
  const { load, save } = heldStore(d.meta, held)
  const ready = load()
  const credit = new BoundedMap<string, bigint>(MAX_PEERS)
  const owed = new BoundedMap<string, bigint>(MAX_PEERS)
  const timers = new Map<number, ReturnType<typeof setTimeout>>()
  const redeeming = new Set<number>()

  /** The checked voucher and what it adds over the best one held, or why it does not count. */
  const check = (
    l: LedgerNodeApi,
    me: Uint8Array,
    bytes: Uint8Array,
  ): { v: Voucher; gain: bigint } | Refusal => {
    const r = decodeVoucher(bytes)
    if (!r.ok) return refuse('bad_voucher')
    const v = r.value
    if (!bytesEqual(v.payee, me)) return refuse('wrong_payee')
    const state = l.current().state
    const c = R.channel(state, v.channel)
    if (!c || c.end - state.header.seq < REDEEM_MARGIN) return refuse('channel_closing')
    const owner = parseAddress(c.client)
    if (!owner.ok || !verifyVoucher(l.genesis().networkId, owner.value, v)) return refuse('bad_voucher')
    const paid = c.payees[addressOf(me)] ?? 0n
    if (v.amount > paid + c.balance) return refuse('channel_short')
    const best = held.get(v.channel)?.amount ?? paid
    return { v, gain: v.amount > best ? v.amount - best : 0n }
  }

  /** Takes a voucher from `peer`: its increase is credited to it and it becomes the one to redeem. */
  const take = async (peer: string, bytes: Uint8Array): Promise<Admission> => {
    await ready
    const l = d.ledger()
    const me = await d.key.load()
    if (!l || !me) return refuse('payments_unavailable')
    const r = check(l, me.publicKey, bytes)
    if ('ok' in r) return r
    if (r.gain === 0n) return ADMITTED
    if (!held.has(r.v.channel) && held.size >= MAX_HELD_VOUCHERS) return refuse('busy')
    const redeemed = held.get(r.v.channel)?.redeemed ?? R.redeemed(l.current().state, r.v.channel, me.address)
    held.set(r.v.channel, { bytes, amount: r.v.amount, redeemed })
    credit.set(peer, (credit.get(peer) ?? 0n) + r.gain)
    await save()
    schedule(r.v.channel)
    return ADMITTED
  }

  /** Submits the channel's best voucher if it pays more than the ledger has paid; records what it paid. */
  const redeemNow = async (channel: number): Promise<void> => {
    await ready
    const h = held.get(channel)
    const l = d.ledger()
    const me = await d.key.load()
    if (!h || !l || !me || redeeming.has(channel) || h.amount <= h.redeemed) return
    redeeming.add(channel)
    try {
      const { id } = await d.txs.submit('redeem', [{ type: 'redeem', channel, voucher: h.bytes }])
      await d.txs.settled(id)
      await settleEarned(l, me.address, channel)
    } catch {
      // Not submitted (no fee, ledger busy): the voucher stays held and is tried on the next trigger.
    } finally {
      redeeming.delete(channel)
    }
  }

  /** Reads what the ledger paid this node from `channel` and earns the increase. */
  const settleEarned = async (l: LedgerNodeApi, me: string, channel: number): Promise<void> => {
    const h = held.get(channel)
    if (!h) return
    const c = R.channel(l.current().state, channel)
    const now = c?.payees[me] ?? h.redeemed
    if (now > h.redeemed) await d.onEarned(now - h.redeemed)
    if (!c) held.delete(channel)
    else held.set(channel, { ...h, redeemed: now })
    await save()
  }

  const schedule = (channel: number) => {
    clearTimeout(timers.get(channel))
    timers.set(
      channel,
      setTimeout(() => {
        timers.delete(channel)
        void redeemNow(channel)
      }, d.redeemDelayMs ?? REDEEM_DELAY_MS),
    )
  }

  const server: ServerPayments = {
    async ask(_peer: string, cid: string): Promise<RetrievalAsk> {
      const price = d.priceOf(cid)
      if (price === 0n) return FREE_ASK
      const me = await d.key.load()
      return { pricePerByte: price, interval: PAYMENT_INTERVAL, ...(me ? { payee: me.publicKey } : {}) }
    },
    async accept(peer: string, cid: string | undefined, voucher: Uint8Array | undefined): Promise<Admission> {
      const taken = voucher ? await take(peer, voucher) : ADMITTED
      if (!taken.ok || cid === undefined) return taken
      const price = d.priceOf(cid)
      if (price === 0n) return ADMITTED
      const ahead = (owed.get(peer) ?? 0n) - (credit.get(peer) ?? 0n)
      return ahead > BigInt(PAYMENT_INTERVAL) * price ? refuse('payment_required') : ADMITTED
    },
    served(peer: string, cid: string, bytes: number): void {
      const price = d.priceOf(cid)
      if (price > 0n) owed.set(peer, (owed.get(peer) ?? 0n) + BigInt(bytes) * price)
    },
  }

  /** On each closed ledger: redeem what is about to be settled, forget what was settled. */
  const closed = (e: ClosedLedgerEvent): void => {
    let settled = false
    for (const [channel, h] of held) {
      const c = R.channel(e.state, channel)
      if (!c) settled = held.delete(channel)
      else if (c.end - e.seq <= REDEEM_MARGIN && h.amount > h.redeemed) void redeemNow(channel)
    }
    if (settled) void save()
  }

  return {
    server,
    closed,
    /** Redeems every held voucher that pays more than the ledger has paid (a test, or the user, asks). */
    redeemAll: async () => {
      await ready
      await Promise.all([...held.keys()].map(redeemNow))
    },
    stop: () => {
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
    },
  }
}

export type ServerPaymentsRuntime = ReturnType<typeof createServerPayments>
