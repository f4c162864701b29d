// The wallet service's RPC methods and event, and their guards: every shape is checked and every
// size bounded before the service looks at it.
import {
  badParams,
  bytes,
  flag,
  isObj,
  limitParams,
  noParams,
  optional,
  type Params,
  paramsObject,
  text,
} from '../rpc/params.ts'
import type { Guard, Guards, Method } from '../rpc/table.ts'
import type { SendRequest } from './build-payment.ts'
import { checkPin, type NewLock, type UnlockWith } from './vault-locks.ts'
import type { CreatedWallet, HistoryRow, LedgerSummary, SubmittedTx, WalletView } from './wallet-view.ts'

/** `replace`: the node already has a wallet and the user chose to replace it. */
export type CreateRequest = NewLock & { readonly replace?: boolean }
export type RestoreRequest = CreateRequest & { readonly phrase: string }
/** The words typed for the backup check, by 1-based position in the phrase. */
export interface BackupAnswers {
  readonly answers: Readonly<Record<number, string>>
}

export type WalletMethods = {
  'wallet.status': Method<undefined, WalletView>
  'wallet.create': Method<CreateRequest, CreatedWallet>
  'wallet.restore': Method<RestoreRequest, WalletView>
  'wallet.confirmBackup': Method<BackupAnswers, WalletView>
  'wallet.unlock': Method<UnlockWith, WalletView>
  'wallet.lock': Method<undefined, WalletView>
  'wallet.setLock': Method<NewLock, WalletView>
  'wallet.send': Method<SendRequest, SubmittedTx>
  'wallet.faucet': Method<undefined, SubmittedTx>
  'wallet.history': Method<{ readonly limit?: number } | undefined, HistoryRow[]>
  'wallet.ledgers': Method<{ readonly limit?: number } | undefined, LedgerSummary[]>
}

export type WalletEvents = {
  wallet: WalletView
}

/** WebAuthn allows credential ids up to 1023 bytes; the PRF's input and output are 32 bytes here. */
const MAX_CREDENTIAL_ID = 1023
const MAX_PIN_FIELD = 256
const MAX_PHRASE = 1000
const MAX_ANSWERS = 24
const MAX_WORD = 64

const pinOf = (o: Params): string | undefined => optional(o, 'pin', (x, k) => text(x, k, MAX_PIN_FIELD))

/** `{ pin }` or `{ passkey: { credentialId, salt, prf } }`: how a new or re-protected wallet is locked. */
const newLock = (o: Params): NewLock => {
  const pin = pinOf(o)
  if (pin !== undefined) {
    checkPin(pin)
    return { pin }
  }
  const k = o.passkey
  if (!isObj(k)) return badParams('lock')
  return {
    passkey: {
      credentialId: bytes(k, 'credentialId', 1, MAX_CREDENTIAL_ID),
      salt: bytes(k, 'salt', 32, 32),
      prf: bytes(k, 'prf', 32, 32),
    },
  }
}

/** The lock part of a create or restore request. */
export const lockOf = (r: CreateRequest): NewLock => ('pin' in r ? { pin: r.pin } : { passkey: r.passkey })

const create: Guard<CreateRequest> = (p) => {
  const o = paramsObject(p)
  return { ...newLock(o), replace: flag(o, 'replace') }
}

/** `{ pin }` or `{ prf }` (the passkey's PRF output for the wallet's salt). */
const unlock: Guard<UnlockWith> = (p) => {
  const o = paramsObject(p)
  const pin = pinOf(o)
  if (pin !== undefined) return { pin }
  return o.prf === undefined ? badParams('unlock') : { prf: bytes(o, 'prf', 32, 32) }
}

const answers: Guard<BackupAnswers> = (p) => {
  const a = paramsObject(p).answers
  if (!isObj(a)) return badParams('answers')
  const positions = Object.keys(a)
  if (positions.length > MAX_ANSWERS) return badParams('answers', { max: MAX_ANSWERS })
  const out: Record<number, string> = {}
  for (const k of positions) {
    const pos = Number(k)
    if (!Number.isSafeInteger(pos) || pos < 1) return badParams('answers')
    out[pos] = text(a, k, MAX_WORD)
  }
  return { answers: out }
}

const send: Guard<SendRequest> = (p) => {
  const o = paramsObject(p)
  const fee = optional(o, 'fee', (x, k) => text(x, k, 40))
  return { to: text(o, 'to', 200), amount: text(o, 'amount', 40), ...(fee === undefined ? {} : { fee }) }
}

export const WALLET_GUARDS: Guards<WalletMethods> = {
  'wallet.status': noParams,
  'wallet.create': create,
  'wallet.restore': (p) => ({ ...create(p), phrase: text(paramsObject(p), 'phrase', MAX_PHRASE) }),
  'wallet.confirmBackup': answers,
  'wallet.unlock': unlock,
  'wallet.lock': noParams,
  'wallet.setLock': (p) => newLock(paramsObject(p)),
  'wallet.send': send,
  'wallet.faucet': noParams,
  'wallet.history': limitParams,
  'wallet.ledgers': limitParams,
}
