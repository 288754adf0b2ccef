import { FAILED_RUN_STATUSES } from '../../core/signals/run-status.ts';
import type { IncidentDetailView } from '../api-schema.ts';

/**
 * The page's two traffic facts, from the scope's per-minute summary (whole minutes; healthy runs
 * are counted, not listed). A header written before traffic summaries reads as all zeros; when
 * such an incident has failed runs, zeros would be a false figure, so it says "not counted".
 */
export interface TrafficFacts {
  readonly whileOpen: string;
  readonly hourBefore: string;
}

const NOT_COUNTED = 'not counted (stored before traffic summaries)';

export function trafficFacts(incident: Pick<IncidentDetailView, 'traffic' | 'counts'>): TrafficFacts {
  const { started, succeeded, failed, hourBefore } = incident.traffic;
  const failedRuns = FAILED_RUN_STATUSES.reduce((sum, status) => sum + (incident.counts[status] ?? 0), 0);
  const nothingCounted = started + succeeded + failed + hourBefore.finished === 0;
  if (nothingCounted && failedRuns > 0) return { whileOpen: NOT_COUNTED, hourBefore: NOT_COUNTED };
  return {
    whileOpen: `${started} started · ${succeeded} succeeded · ${failed} failed`,
    hourBefore:
      hourBefore.finished === 0
        ? 'no runs finished'
        : `${hourBefore.failed} of ${hourBefore.finished} finished runs failed`,
  };
}
