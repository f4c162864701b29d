// The module kit (docs/modules.md): one feature is one ProtocolModule (its name, operations, close
// steps, typed parameters, result codes and state readers), and a network's protocol is composed
// once from a list of modules. The node, the simulator, the tools and the tests all compose from
// the same list (shared/node/protocol.ts), so adding a feature touches its own folder and that list.
import { fail } from '../util/errors.ts'
import { PROTOCOL_VERSION } from './config.ts'
import type { ParamsSpec } from './params.ts'
import type { AnyOpHandler, CloseStep, OpHandler } from './operations/registry.ts'

export interface ProtocolModule<P = unknown, C extends string = string, R extends object = object> {
  /** Also the namespace of its ledger data (`d/<name>/...`) and its key in genesis `params`. */
  readonly name: string
  readonly params: ParamsSpec<P>
  // biome-ignore lint/suspicious/noExplicitAny: a module holds handlers of every op type it has
  readonly operations: readonly OpHandler<any, P, C>[]
  readonly closeSteps: readonly CloseStep<P>[]
  /** Every code its operations may return (they feed the results CID in every header). */
  readonly resultCodes: readonly C[]
  /** Functions that read the module's state from a ledger state (for services, views, tests). */
  readonly readers: R
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds modules of every parameter type
export type AnyModule = ProtocolModule<any, string, object>

/** Identity, for inference: `defineModule({...})` checks handlers and steps against P and C. */
export const defineModule = <P, C extends string, R extends object>(
  m: ProtocolModule<P, C, R>,
): ProtocolModule<P, C, R> => m

export interface ModuleStep {
  readonly module: string
  readonly step: CloseStep
}

export interface Protocol {
  /** In list order; the order close steps run in. */
  readonly modules: readonly AnyModule[]
  readonly operations: ReadonlyMap<string, AnyOpHandler>
  /** Operation type -> the name of the module that registered it. */
  readonly opModule: ReadonlyMap<string, string>
  readonly closeSteps: readonly ModuleStep[]
  /** The highest protocol version this software runs (an upgrade beyond it is refused). */
  readonly maxProtocolVersion: number
}

const MODULE_NAME = /^[a-z][a-z0-9-]{0,31}$/

/** Composes modules; a name, operation type or close step registered twice is a programming error. */
export const composeProtocol = (
  modules: readonly AnyModule[],
  options: { readonly maxProtocolVersion?: number } = {},
): Protocol => {
  const operations = new Map<string, AnyOpHandler>()
  const opModule = new Map<string, string>()
  const closeSteps: ModuleStep[] = []
  const names = new Set<string>()
  const stepNames = new Set<string>()
  for (const m of modules) {
    if (!MODULE_NAME.test(m.name) || names.has(m.name)) fail('bad_protocol', { module: m.name })
    names.add(m.name)
    for (const h of m.operations) {
      if (operations.has(h.type)) fail('bad_protocol', { operation: h.type })
      operations.set(h.type, h)
      opModule.set(h.type, m.name)
    }
    for (const step of m.closeSteps) {
      if (stepNames.has(step.name)) fail('bad_protocol', { closeStep: step.name })
      stepNames.add(step.name)
      closeSteps.push({ module: m.name, step: step as CloseStep })
    }
  }
  return {
    modules: [...modules],
    operations,
    opModule,
    closeSteps,
    maxProtocolVersion: options.maxProtocolVersion ?? PROTOCOL_VERSION,
  }
}

/** The module named `name` in a protocol. */
export const moduleOf = (p: Protocol, name: string): AnyModule | undefined =>
  p.modules.find((m) => m.name === name)

/**
 * The same modules with `name`'s close steps replaced: a recorder that must see the state exactly
 * where a module's step runs (day exports) puts its observer there, before or instead of it.
 */
export const withCloseSteps = (
  modules: readonly AnyModule[],
  name: string,
  steps: (own: readonly CloseStep[]) => readonly CloseStep[],
): AnyModule[] => modules.map((m) => (m.name === name ? { ...m, closeSteps: steps(m.closeSteps) } : m))
