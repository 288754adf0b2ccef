import type { Signal } from '../signals/types.ts';

/**
 * How a signal is filed as context (see docs/architecture.md, "Reading a scope"). Derivation needs
 * every `decisive` signal of the horizon, but healthy traffic only where an incident is: successes
 * inside an incident's window and the first one after its last trigger, API calls inside its
 * look-back window, and the newest signal of each class for the watermark. Filing them apart is what
 * keeps a busy state machine's thousands of healthy runs out of every read.
 */
export type ContextClass = 'decisive' | 'api-call' | 'succeeded' | 'running';

export const CONTEXT_CLASSES: readonly ContextClass[] = ['decisive', 'api-call', 'succeeded', 'running'];

export function contextClassOf(signal: Signal): ContextClass {
  switch (signal.kind) {
    case 'api-call':
      return 'api-call';
    case 'alarm-state':
    case 'alarm-config':
      return 'decisive';
    case 'execution':
      // Failed, timed-out, aborted, pending-redrive and unknown future statuses all decide or show
      // on incidents: only the two healthy statuses are traffic.
      return signal.status === 'SUCCEEDED'
        ? 'succeeded'
        : signal.status === 'RUNNING'
          ? 'running'
          : 'decisive';
  }
}
