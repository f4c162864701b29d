// What an RPC surface is, as types: a method table (each method's request and response) and an
// event table (each event's data). Every service declares its own tables beside its code; the
// composition root (worker/app/rpc-api.ts) joins them into the one table the core's server and the
// tabs' client are typed with, so a wrong method name, request or response does not compile.
// Tabs are untrusted callers: each method also has a guard, run by the server before the handler.

export interface Method<Request, Response> {
  readonly request: Request
  readonly response: Response
}

// biome-ignore lint/suspicious/noExplicitAny: a table holds methods of every request and response type
export type MethodTable = Record<string, Method<any, any>>
export type EventTable = Record<string, unknown>
/** A service without methods or events of its own. */
export type NoTable = Record<never, never>

export type MethodName<T extends MethodTable> = keyof T & string
export type RequestOf<T extends MethodTable, M extends keyof T> = T[M]['request']
export type ResponseOf<T extends MethodTable, M extends keyof T> = T[M]['response']

export type Handler<T extends MethodTable, M extends keyof T> = (
  request: RequestOf<T, M>,
) => ResponseOf<T, M> | Promise<ResponseOf<T, M>>

/** A service's handlers for all of its methods: one missing does not compile. */
export type Handlers<T extends MethodTable> = { readonly [M in MethodName<T>]: Handler<T, M> }

/**
 * Reads what a tab sent as a method's parameters: the typed request, or a thrown typed error
 * (`fail('bad_params', { field })`, never a coercion: String() or Number() would run the caller's code).
 */
export type Guard<Request> = (params: unknown) => Request

/** One guard per method of the table: a method without one does not compile. */
export type Guards<T extends MethodTable> = { readonly [M in keyof T]: Guard<RequestOf<T, M>> }

/** The arguments of a call: the request may be left out where the method takes none. */
export type CallArgs<T extends MethodTable, M extends keyof T> =
  undefined extends RequestOf<T, M>
    ? [params?: RequestOf<T, M>, timeoutMs?: number]
    : [params: RequestOf<T, M>, timeoutMs?: number]
