import type { NormalizeResult, Signal, SignalKind } from '../../../src/core/signals/types.ts';

type SignalOfKind<K extends SignalKind> = Extract<Signal, { kind: K }>;

function isKind<K extends SignalKind>(signal: Signal, kind: K): signal is SignalOfKind<K> {
  return signal.kind === kind;
}

/** The signal of a result, failing the test with the whole result when it is anything else. */
export function signalOf<K extends SignalKind>(
  result: NormalizeResult | undefined,
  kind: K,
): SignalOfKind<K> {
  if (result?.result !== 'signal')
    throw new Error(`expected a ${kind} signal, got ${JSON.stringify(result)}`);
  if (!isKind(result.signal, kind)) throw new Error(`expected a ${kind} signal, got ${result.signal.kind}`);
  return result.signal;
}

export function onlyResult(results: readonly NormalizeResult[]): NormalizeResult {
  const [first, ...rest] = results;
  if (first === undefined || rest.length > 0) throw new Error(`expected one result, got ${results.length}`);
  return first;
}
