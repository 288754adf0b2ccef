import type { ExecutionStatus, Signal } from './types.ts';

/**
 * What a run's status means to the engine, in one place: which statuses are healthy traffic (folded
 * into per-minute summaries), and which count as failed on an incident, in its title, the CLI and
 * the page. Which statuses open an incident is configuration (`triggerStatuses`).
 */

/** Runs that went wrong: what "N runs failed" counts. ABORTED is counted apart (someone stopped it). */
export const FAILED_RUN_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT'];

const FAILED = new Set<string>(FAILED_RUN_STATUSES);

export const isFailedStatus = (status: string): boolean => FAILED.has(status);

/**
 * RUNNING and SUCCEEDED runs: healthy traffic. Every other status (failed, timed out, aborted,
 * pending redrive, statuses this version does not know) decides or shows on incidents.
 */
export function isHealthyRun(signal: Signal): boolean {
  return signal.kind === 'execution' && (signal.status === 'RUNNING' || signal.status === 'SUCCEEDED');
}
