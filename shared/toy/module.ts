// A toy protocol module, for tests only: it shows that a feature plugs into the ledger by its own
// folder alone (docs/modules.md). It has two operations, a close step, genesis parameters and
// result codes of its own:
//   toyNote          stores a short text as the source's note; longer than `maxNote` is note_too_long
//   toySetValidators the `admin` account replaces the validator set (what the registry module will
//                    do for real), in force from the next ledger; anyone else gets not_admin
//   toy/tally        counts every ledger and the notes written in it; reports `notes` in the header
import { addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import { dataNumber, stateData } from '../ledger/lists.ts'
import { defineModule } from '../ledger/module.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { addressParam, intParam, paramsSpec } from '../ledger/params.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import { exactKeys, isBytes } from '../ledger/shape.ts'
import type { LedgerState } from '../ledger/state.ts'
import { MAX_VALIDATORS } from '../ledger/validators.ts'
import { err, ok, wattError } from '../util/errors.ts'

export const TOY = 'toy'
/** The hard bound of `maxNote`, which the parser checks before the parameter in force does. */
const MAX_NOTE = 64

export interface ToyParams {
  /** The account allowed to replace the validator set ('' = nobody). */
  readonly admin: string
  /** Longest note, in characters. */
  readonly maxNote: number
}

export const toyParams = paramsSpec<ToyParams>({
  admin: addressParam(''),
  maxNote: intParam(16, 1, MAX_NOTE),
})

export const TOY_RESULT_CODES = ['note_too_long', 'not_admin', 'bad_validator_set'] as const
type ToyCode = (typeof TOY_RESULT_CODES)[number]

export interface ToyNoteOp {
  readonly type: 'toyNote'
  readonly text: string
}
export interface ToySetValidatorsOp {
  readonly type: 'toySetValidators'
  readonly validators: readonly PublicKey[]
}

const keys = { note: (a: string) => `note/${a}`, notesThisLedger: 'pending', ledgers: 'ledgers' }

const toyNote: OpHandler<ToyNoteOp, ToyParams, ToyCode> = {
  type: 'toyNote',
  parse: (raw) =>
    exactKeys(raw, ['type', 'text']) && typeof raw.text === 'string' && raw.text.length <= MAX_NOTE
      ? ok({ type: 'toyNote', text: raw.text })
      : err(wattError('malformed', { what: 'toyNote' })),
  apply: (d, op, ctx) => {
    if (op.text.length > ctx.params.maxNote) return wattError('note_too_long', { max: ctx.params.maxNote })
    d.putData(TOY, keys.note(ctx.source), op.text)
    d.putData(TOY, keys.notesThisLedger, dataNumber(d, TOY, keys.notesThisLedger) + 1)
    return undefined
  },
}

const toySetValidators: OpHandler<ToySetValidatorsOp, ToyParams, ToyCode> = {
  type: 'toySetValidators',
  parse: (raw) => {
    const v = raw.validators
    if (!exactKeys(raw, ['type', 'validators']) || !Array.isArray(v) || v.length > MAX_VALIDATORS)
      return err(wattError('malformed', { what: 'toySetValidators' }))
    if (!v.every((k) => isBytes(k, 32))) return err(wattError('malformed', { what: 'toySetValidators' }))
    return ok({ type: 'toySetValidators', validators: v as PublicKey[] })
  },
  apply: (d, op, ctx) => {
    if (ctx.params.admin === '' || ctx.source !== ctx.params.admin) return wattError('not_admin')
    return d.putValidatorSet(op.validators.map((k) => addressOf(k)))
  },
}

export const toyModule = defineModule({
  name: TOY,
  params: toyParams,
  operations: [toyNote, toySetValidators],
  closeSteps: [
    {
      name: 'toy/tally',
      run: (d) => {
        d.putData(TOY, keys.ledgers, dataNumber(d, TOY, keys.ledgers) + 1)
        const notes = dataNumber(d, TOY, keys.notesThisLedger)
        if (notes === 0) return undefined
        d.putData(TOY, keys.notesThisLedger, undefined)
        return { notes: BigInt(notes) }
      },
    },
  ],
  resultCodes: TOY_RESULT_CODES,
  readers: {
    params: (s: LedgerState): ToyParams => paramsAt(s, toyModule),
    note: (s: LedgerState, a: string): string | undefined =>
      stateData(s).getData(TOY, keys.note(a)) as string,
    /** Ledgers closed since genesis, as the tally step counted them. */
    ledgers: (s: LedgerState): number => dataNumber(stateData(s), TOY, keys.ledgers),
  },
})
