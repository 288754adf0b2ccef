import type { IncidentDetail } from '../adapters/dynamodb/incident-queries.ts';
import type { StoredIncident } from '../adapters/dynamodb/item-schemas.ts';
import { FAILED_RUN_STATUSES } from '../core/signals/run-status.ts';
import type { IncidentDetailView, IncidentSummary } from './api-schema.ts';

/** Same rule as the CLI's `failed` column: aborted runs are someone's decision, not a failure. */

/**
 * A list row: what the table shows and no more, so a list of a hundred incidents (each holding up
 * to 200 executions) stays a few kilobytes, and a live change is one small message.
 */
export function summaryOf(incident: StoredIncident): IncidentSummary {
  return {
    id: incident.id,
    title: incident.title,
    stateMachineArn: incident.stateMachineArn,
    status: incident.status,
    severity: incident.severity,
    openedAt: incident.openedAt,
    lastSignalAt: incident.lastSignalAt,
    resolvedAt: incident.resolvedAt,
    flapCount: incident.flapCount,
    failedExecutions: FAILED_RUN_STATUSES.reduce((n, status) => n + (incident.counts[status] ?? 0), 0),
    linkedAlarms: incident.alarms.length,
    alarmsFiring: incident.alarms.filter((alarm) => alarm.state === 'ALARM').length,
    topHint: incident.hints[0]?.message ?? null,
    updatedAt: incident.updatedAt,
    version: incident.scopeVersion,
  };
}

/** The incident page's data: the stored incident without storage bookkeeping and actor rollups. */
export function detailOf(detail: IncidentDetail): IncidentDetailView {
  const { scopeVersion: _version, actors: _actors, ...view } = detail;
  return { ...view, timeline: [...detail.timeline] };
}
