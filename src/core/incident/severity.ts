import type { Severity } from './severity-enum.ts';

export interface SeverityFacts {
  /** FAILED and TIMED_OUT runs: the workflow broke. */
  readonly failedRuns: number;
  /** ABORTED runs: often a human stopping work, so they weigh less. */
  readonly abortedRuns: number;
  /** A linked alarm entered ALARM with its actions not suppressed. */
  readonly alarmFired: boolean;
  readonly flapCount: number;
}

/**
 * Worst first. Counts only grow as signals arrive, so severity can escalate but never drops while an
 * incident lives, and it is the same whatever order the signals came in.
 */
export function severityOf(facts: SeverityFacts): Severity {
  if (facts.failedRuns >= 20 || (facts.failedRuns >= 5 && facts.alarmFired)) return 'SEV1';
  if (facts.failedRuns >= 5 || facts.alarmFired || facts.flapCount >= 3) return 'SEV2';
  if (facts.failedRuns >= 1) return 'SEV3';
  return 'SEV4';
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };
