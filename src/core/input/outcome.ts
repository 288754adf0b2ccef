import type { InputPosition } from '../signals/types.ts';

/** Either a value or the reason there is none; decoding reports problems instead of throwing. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T = never>(reason: string): Outcome<T> {
  return { ok: false, reason };
}

/** One decoded item of an input, or why an item (or the whole input) could not be decoded. */
export type DecodedItem =
  | { readonly ok: true; readonly position: InputPosition; readonly value: unknown }
  | { readonly ok: false; readonly position: InputPosition; readonly reason: string };
