import Table from 'cli-table3';
import { shortName } from '../../core/incident/describe.ts';
import type { Incident } from '../../core/incident/types.ts';
import { FAILED_RUN_STATUSES } from '../../core/signals/run-status.ts';

/** The on-call view: one row per incident, the top hint last because it is the longest. */
export type IncidentRow = Pick<
  Incident,
  'id' | 'stateMachineArn' | 'severity' | 'openedAt' | 'counts' | 'alarms' | 'hints' | 'flapCount'
> & { readonly status: string };

export function incidentTable(incidents: readonly IncidentRow[]): string {
  const table = new Table({
    head: ['id', 'state machine', 'status', 'sev', 'opened (UTC)', 'failed', 'alarms', 'top hint'],
    colWidths: [26, 18, 10, 6, 22, 8, 8, 60],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const incident of incidents) {
    const failed = FAILED_RUN_STATUSES.reduce((n, status) => n + (incident.counts[status] ?? 0), 0);
    const flaps = incident.flapCount > 0 ? ` (flapped ${incident.flapCount}x)` : '';
    table.push([
      incident.id,
      shortName(incident.stateMachineArn),
      `${incident.status}${flaps}`,
      incident.severity,
      incident.openedAt.replace('T', ' ').replace(/\.\d+Z$/, ''),
      String(failed),
      String(incident.alarms.length),
      incident.hints[0]?.message ?? '',
    ]);
  }
  return table.toString();
}
