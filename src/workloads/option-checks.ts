/** Checks of generator options: a workload that cannot be what was asked for is refused, never bent. */

export function wholeNumber(
  option: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${option} must be a whole number ${range}, got ${value}`);
  }
  return value;
}

export function positiveNumber(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${option} must be above 0, got ${value}`);
  return value;
}

export function nonNegativeNumber(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${option} must be 0 or more, got ${value}`);
  return value;
}
