import type { Incident, TimelineEntry, TimelineKind } from '../../../src/core/incident/types.ts';
import { executionArn, minutes, stateMachineArn, userActor } from '../../builders/signals.ts';

/** Builders for stored shapes: incidents as the engine hands them to the store. */

export function timelineEntry(atMs: number, kind: TimelineKind, signalId?: string): TimelineEntry {
  const at = new Date(atMs).toISOString();
  return signalId === undefined
    ? { at, kind, summary: `${kind} at ${at}` }
    : { at, kind, summary: `${kind} ${signalId}`, signalId };
}

/** A small but complete incident: every list has an entry, optional fields are both set and unset. */
export function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  const openedAt = overrides.openedAt ?? new Date(minutes(0)).toISOString();
  return {
    id,
    stateMachineArn: stateMachineArn(),
    title: 'orders: 1 execution(s) failed (Lambda.Unknown)',
    status: 'OPEN',
    severity: 'SEV3',
    openedAt,
    lastSignalAt: openedAt,
    resolvedAt: null,
    flapCount: 0,
    counts: { FAILED: 1, ABORTED: 1 },
    traffic: { started: 3, succeeded: 1, failed: 1, hourBefore: { finished: 40, failed: 1 } },
    executions: [
      {
        executionArn: executionArn('run-1'),
        name: 'run-1',
        status: 'FAILED',
        redriveCount: 0,
        error: 'Lambda.Unknown',
        cause: 'charge-card timed out',
        startDate: openedAt,
        stopDate: openedAt,
        durationMs: 0,
        signalId: 'run-1',
      },
      {
        executionArn: executionArn('run-2'),
        name: 'run-2',
        status: 'ABORTED',
        redriveCount: 1,
        signalId: 'run-2',
      },
    ],
    alarms: [
      {
        alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:charge-card-errors',
        alarmName: 'charge-card-errors',
        state: 'ALARM',
        via: ['arn:aws:lambda:us-east-1:111122223333:function:charge-card'],
        deleted: false,
        transitions: [{ at: openedAt, from: 'OK', to: 'ALARM', reason: 'went ALARM', signalId: 'alarm-1' }],
      },
    ],
    apiCalls: [
      {
        eventName: 'StopExecution',
        eventTime: openedAt,
        actor: userActor('bob'),
        sourceIPAddress: '203.0.113.7',
        target: executionArn('run-2'),
        signalId: 'stop-1',
      },
    ],
    actors: [{ arn: 'arn:aws:iam::111122223333:user/bob', userName: 'bob', calls: 1 }],
    hints: [{ kind: 'execution-stopped', message: 'Execution run-2 stopped by bob', evidence: ['stop-1'] }],
    timeline: [
      timelineEntry(Date.parse(openedAt), 'incident-opened'),
      timelineEntry(Date.parse(openedAt), 'execution', 'run-1'),
    ],
    timelineOmitted: 0,
    omitted: { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    signalCount: 4,
    ...overrides,
  };
}
