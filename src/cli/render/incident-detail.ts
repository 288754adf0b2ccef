import Table from 'cli-table3';
import type { IncidentDetail } from '../../adapters/dynamodb/incident-queries.ts';
import { actorName, shortName } from '../../core/incident/describe.ts';

const plain = (): { style: { head: string[]; border: string[] }; wordWrap: boolean } => ({
  style: { head: [], border: [] },
  wordWrap: true,
});

function section(title: string, body: string): string {
  return `\n${title}\n${body}\n`;
}

/** `incidents show`: the header, then the evidence an on-call engineer reads top to bottom. */
export function incidentDetail(incident: IncidentDetail): string {
  const counts = Object.entries(incident.counts)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const header = [
    `${incident.id}  ${incident.title}`,
    `state machine  ${incident.stateMachineArn}`,
    `status         ${incident.status}${incident.mergedInto === undefined ? '' : ` (merged into ${incident.mergedInto})`}   severity ${incident.severity}   flaps ${incident.flapCount}`,
    `opened         ${incident.openedAt}   resolved ${incident.resolvedAt ?? '-'}   last signal ${incident.lastSignalAt}`,
    `runs           ${counts || '-'}`,
    `traffic        ${trafficLine(incident.traffic)}`,
  ].join('\n');

  const hints = incident.hints
    .map((hint, i) => `  ${i + 1}. ${hint.message}  [${hint.kind}; evidence: ${hint.evidence.length}]`)
    .join('\n');

  const executions = new Table({
    head: ['execution', 'status', 'error', 'cause', 'duration', 'redrive'],
    colWidths: [24, 11, 24, 48, 10, 9],
    ...plain(),
  });
  for (const e of incident.executions) {
    executions.push([
      e.name,
      e.status,
      e.error ?? '',
      e.cause ?? '',
      e.durationMs === undefined ? '' : `${(e.durationMs / 1000).toFixed(1)} s`,
      String(e.redriveCount),
    ]);
  }

  const alarms = new Table({
    head: ['alarm', 'state', 'linked through', 'transitions'],
    colWidths: [32, 10, 36, 50],
    ...plain(),
  });
  for (const a of incident.alarms) {
    const via = a.via.length === 0 ? 'the state machine' : a.via.map(shortName).join(' → ');
    const transitions = a.transitions
      .map(
        (t) =>
          `${t.at.slice(11, 19)} ${t.from ?? '?'}→${t.to}${t.suppressedBy === undefined ? '' : ` (suppressed: ${t.suppressedBy})`}`,
      )
      .join('\n');
    alarms.push([`${a.alarmName}${a.deleted ? ' (deleted)' : ''}`, a.state, via, transitions]);
  }

  const calls = new Table({
    head: ['time (UTC)', 'call', 'actor', 'source IP', 'target', 'error'],
    colWidths: [10, 22, 26, 16, 28, 20],
    ...plain(),
  });
  for (const c of incident.apiCalls) {
    calls.push([
      c.eventTime.slice(11, 19),
      c.eventName,
      actorName(c.actor),
      c.sourceIPAddress ?? '',
      c.target === undefined ? '' : shortName(c.target),
      c.errorCode ?? '',
    ]);
  }

  const timeline = incident.timeline
    .map((t) => `  ${t.at.replace('T', ' ').replace(/\.\d+Z$/, '')}  ${t.summary}`)
    .join('\n');
  const omitted =
    incident.timelineOmitted > 0 ? `\n  (${incident.timelineOmitted} entries in the middle left out)` : '';

  const { omitted: left } = incident;
  const listed = (shown: number, omittedCount: number) =>
    omittedCount === 0 ? `${shown}` : `${shown} of ${shown + omittedCount}; ${omittedCount} not listed`;
  return [
    header,
    section(
      `Hints${left.hints === 0 ? '' : ` (${listed(incident.hints.length, left.hints)})`}`,
      hints || '  none',
    ),
    section(
      `Executions (${listed(incident.executions.length, left.executions)})`,
      incident.executions.length === 0 ? '  none' : executions.toString(),
    ),
    section(
      `Alarms (${listed(incident.alarms.length, left.alarms)})`,
      incident.alarms.length === 0 ? '  none' : alarms.toString(),
    ),
    section(
      `API calls (${listed(incident.apiCalls.length, left.apiCalls)})`,
      incident.apiCalls.length === 0 ? '  none' : calls.toString(),
    ),
    section('Timeline (UTC)', timeline + omitted),
  ].join('');
}

/** What the scope's traffic summary says around the incident (whole minutes; see docs/architecture.md). */
function trafficLine(traffic: IncidentDetail['traffic']): string {
  const { started, succeeded, failed, hourBefore } = traffic;
  return `while open: ${started} started, ${succeeded} succeeded, ${failed} failed   hour before: ${hourBefore.failed} of ${hourBefore.finished} finished runs failed`;
}
