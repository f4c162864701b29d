// The result-code catalogues are checked at compile time (`npm run typecheck` reads this file): a
// handler typed with its module's catalogue cannot return a misspelt code.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ok, wattError } from '../util/errors.ts'
import type { LedgerDraft } from './draft.ts'
import type { OpHandler } from './operations/registry.ts'
import type { CoreCode } from './operations/core.ts'

/** A module's own catalogue, as shared/mining's MiningResultCode. */
type TipCode = 'bad_tip' | 'no_account'

const ctx = { source: 'W' as never, signers: new Set<never>(), txId: 't', opIndex: 0, params: undefined }
const draft = {} as LedgerDraft

test('handlers return only their catalogue codes; a misspelt one fails typecheck', () => {
  const tip: OpHandler<{ type: 'tip' }, unknown, CoreCode> = {
    type: 'tip',
    parse: () => ok({ type: 'tip' }),
    apply: () => wattError('bad_amount', { reason: 'zero' }),
  }
  const typo: OpHandler<{ type: 'tip' }, unknown, CoreCode> = {
    type: 'tip',
    parse: () => ok({ type: 'tip' }),
    // @ts-expect-error 'insufficent_balance' is not in the core catalogue
    apply: () => wattError('insufficent_balance'),
  }
  const foreign: OpHandler<{ type: 'tip' }, unknown, TipCode> = {
    type: 'tip',
    // @ts-expect-error a parser refuses with 'malformed' only
    parse: () => ({ ok: false, error: wattError('bad_tip') }),
    // @ts-expect-error 'account_exists' is a core code, not one of this module's
    apply: () => wattError('account_exists'),
  }
  assert.equal(tip.apply(draft, { type: 'tip' }, ctx)?.code, 'bad_amount')
  // the compiler stops the typos; at run time they are ordinary values
  assert.equal(typo.apply(draft, { type: 'tip' }, ctx)?.code, 'insufficent_balance')
  assert.equal(foreign.apply(draft, { type: 'tip' }, ctx)?.code, 'account_exists')
})
