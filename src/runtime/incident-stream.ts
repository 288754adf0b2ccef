import type { DynamoDBStreamEvent } from 'aws-lambda';
import { type IncidentChange, incidentChangeOf } from '../adapters/dynamodb/incident-change.ts';
import type { ChangePublisher, PublishableChange } from '../adapters/publishers/change-publisher.ts';
import type { Logger } from './logger.ts';

export interface IncidentStreamDeps {
  readonly publisher: ChangePublisher;
  readonly logger: Logger;
  readonly clock: () => number;
}

export type IncidentStreamHandler = (event: DynamoDBStreamEvent) => Promise<void>;

/** The body subscribers receive: the change kind, what it was before where that matters, and the incident. */
export function toPublishable(change: IncidentChange): PublishableChange {
  const { incident } = change;
  return {
    type: change.kind,
    incidentId: incident.id,
    stateMachineArn: incident.stateMachineArn,
    severity: incident.severity,
    status: incident.status,
    title: incident.title,
    ...(change.kind === 'updated' ? { detail: whatChanged(change.previous, incident) } : {}),
    body: change,
  };
}

/** Any incident shape, engine or stored: only the counts matter here. */
interface Counted {
  readonly signalCount: number;
  readonly executions: readonly unknown[];
  readonly alarms: readonly unknown[];
  readonly apiCalls: readonly unknown[];
  readonly hints: readonly unknown[];
}

/** For people watching changes scroll by: which lists grew, e.g. "alarms 1→2, hints 4→6". */
export function whatChanged(before: Counted, after: Counted): string {
  const parts: [string, number, number][] = [
    ['runs', before.executions.length, after.executions.length],
    ['alarms', before.alarms.length, after.alarms.length],
    ['API calls', before.apiCalls.length, after.apiCalls.length],
    ['hints', before.hints.length, after.hints.length],
  ];
  const changed = parts
    .filter(([, from, to]) => from !== to)
    .map(([name, from, to]) => `${name} ${from}→${to}`);
  return changed.length > 0 ? changed.join(', ') : `signals ${before.signalCount}→${after.signalCount}`;
}

/**
 * Turns the table's stream into typed incident changes and publishes them. A publish failure
 * throws, so Lambda retries the stream batch (bisecting it); subscribers may therefore see a
 * change twice and should dedupe on incident id + kind + incident.updatedAt.
 */
export function createIncidentStreamHandler(deps: IncidentStreamDeps): IncidentStreamHandler {
  return async (event) => {
    const started = deps.clock();
    const changes: IncidentChange[] = [];
    const ignored = new Map<string, number>();
    for (const record of event.Records) {
      const decoded = incidentChangeOf(record);
      if (decoded.kind === 'ignored') ignored.set(decoded.reason, (ignored.get(decoded.reason) ?? 0) + 1);
      else changes.push(decoded);
    }
    if (changes.length > 0) await deps.publisher.publish(changes.map(toPublishable));
    deps.logger.info(
      {
        records: event.Records.length,
        published: changes.length,
        kinds: countBy(changes.map((c) => c.kind)),
        ignored: Object.fromEntries(ignored),
        durationMs: deps.clock() - started,
      },
      'incident stream batch processed',
    );
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
