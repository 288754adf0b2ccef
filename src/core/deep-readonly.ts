/**
 * The engine's values are never mutated once built. Types inferred from schemas (`z.infer`) are
 * mutable, so the domain types wrap them in this: the schema stays the one source of the shape and
 * the compiler still refuses a write.
 */
export type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;
