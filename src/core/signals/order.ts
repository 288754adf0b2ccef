import type { Signal } from './types.ts';

/**
 * The one order of signals: event time, then signal id. Every sort, tie-break and "latest" of the
 * engine and its stores uses it, so two places never disagree about which of two signals is first.
 */
export const compareSignals = (a: Signal, b: Signal): number =>
  a.eventTimeMs - b.eventTimeMs || (a.signalId < b.signalId ? -1 : a.signalId > b.signalId ? 1 : 0);
