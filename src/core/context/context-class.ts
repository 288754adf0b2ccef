import { isHealthyRun } from '../signals/run-status.ts';
import type { Signal } from '../signals/types.ts';

/**
 * How a signal is kept as context (see docs/architecture.md, "Reading a scope"). Healthy runs are
 * not context at all: they are folded into the scope's traffic summary. What is left is filed in
 * two classes because they are read differently: every `decisive` signal of the horizon, API
 * calls only inside incidents' look-back windows.
 */
export type ContextClass = 'decisive' | 'api-call';

export const CONTEXT_CLASSES: readonly ContextClass[] = ['decisive', 'api-call'];

/** Undefined for healthy runs, which are never kept as context. */
export function contextClassOf(signal: Signal): ContextClass | undefined {
  if (isHealthyRun(signal)) return undefined;
  return signal.kind === 'api-call' ? 'api-call' : 'decisive';
}
