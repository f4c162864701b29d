// Branded types: a string or bigint that the type system will not mix with another kind.
declare const brand: unique symbol
export type Brand<T, B extends string> = T & { readonly [brand]: B }
