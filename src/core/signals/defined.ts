type Present<T> = Exclude<T, null | undefined>;

/**
 * Keeps only the fields that have a value. Signals are written to DynamoDB and compared in tests:
 * an optional field is absent, never present as `undefined` (which the marshaller refuses) or as
 * a `null` copied from the source.
 */
export function definedOnly<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Present<T[K]> } {
  const present: { [K in keyof T]?: Present<T[K]> } = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    // The check above the assignment is what makes the narrower type true; TS cannot see it.
    if (value !== undefined && value !== null) present[key] = value as Present<T[typeof key]>;
  }
  return present;
}
