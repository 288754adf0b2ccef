import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, withConfig } from '../../../src/core/config.ts';
import { correlateScope } from '../../../src/core/incident/correlate.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { Topology } from '../../../src/core/topology/graph.ts';
import { linksFromSignal } from '../../../src/core/topology/links.ts';
import { summarizeTraffic } from '../../../src/core/traffic/traffic.ts';
import { checkoutOutage, executionsFailedAlarm } from '../../builders/scenario.ts';
import {
  alarmArn,
  alarmConfig,
  alarmState,
  apiCall,
  execution,
  functionArn,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
  userActor,
} from '../../builders/signals.ts';

const ORDERS = stateMachineArn('orders');

function correlate(signals: Signal[], config = DEFAULT_CONFIG, asOfMs?: number) {
  const topology = new Topology(signals.flatMap((s) => linksFromSignal(s, config)));
  return correlateScope(ORDERS, signals, topology, summarizeTraffic(signals), config, asOfMs);
}

describe('an outage of one state machine', () => {
  // Given the checkout outage, when it is correlated, then it is one resolved incident with its story.
  const [incident, ...others] = correlate(checkoutOutage());

  it('is one incident that opened at the first failure and resolved on the first success with alarms OK', () => {
    expect(others).toHaveLength(0);
    expect(incident?.status).toBe('RESOLVED');
    expect(incident?.openedAt).toBe(new Date(minutes(-2)).toISOString());
    expect(incident?.resolvedAt).toBe(new Date(minutes(12)).toISOString());
    expect(incident?.flapCount).toBe(0);
  });

  it('counts the runs by status and lists the failed ones with error and cause', () => {
    expect(incident?.counts).toEqual({ FAILED: 2, ABORTED: 1, SUCCEEDED: 1 });
    const failed = incident?.executions.filter((e) => e.status === 'FAILED');
    expect(failed?.map((e) => [e.name, e.error, e.cause])).toEqual([
      ['run-1-failed', 'Lambda.Unknown', 'charge-card timed out'],
      ['run-2-failed', 'Lambda.Unknown', 'charge-card timed out'],
    ]);
    expect(failed?.[0]?.durationMs).toBe(5_000);
  });

  it('links the alarms with the resource they watch', () => {
    const alarms = new Map(incident?.alarms.map((a) => [a.alarmName, a]));
    expect(alarms.get('charge-card-errors')?.via).toEqual([functionArn('charge-card')]);
    expect(alarms.get('orders-executions-failed')?.via).toEqual([]);
    // The composite reaches the state machine through the shorter of its two children.
    expect(alarms.get('orders-health')?.via).toEqual([alarmArn('orders-executions-failed')]);
    expect(alarms.get('orders-health')?.suppressor).toBe('maintenance-window');
    expect([...alarms.values()].every((a) => a.state === 'OK')).toBe(true);
  });

  it('gives hints with evidence, the definition change first', () => {
    const hints = incident?.hints ?? [];
    expect(hints[0]).toEqual({
      kind: 'definition-updated',
      message: 'Definition updated by alice 20 min before the first failure',
      evidence: ['update-definition'],
    });
    expect(hints.find((h) => h.kind === 'execution-stopped')).toEqual({
      kind: 'execution-stopped',
      message: 'Execution run-3 stopped by bob',
      evidence: ['run-3-aborted', 'stop-run-3'],
    });
    expect(hints.filter((h) => h.kind === 'alarm-fired').map((h) => h.message)).toEqual([
      'Alarm charge-card-errors (linked through charge-card) entered ALARM 2 min before the first failure',
      'Alarm orders-executions-failed entered ALARM 3 min after the first failure',
    ]);
    expect(hints.find((h) => h.kind === 'alarm-suppressed')?.message).toBe(
      'Actions of alarm orders-health suppressed by maintenance-window (Alarm): nobody was paged by it',
    );
    expect(hints.find((h) => h.kind === 'common-error')?.evidence).toEqual(['run-1-failed', 'run-2-failed']);
  });

  it('names the actors and scores the severity from failures and alarms', () => {
    expect(incident?.actors.map((a) => a.arn)).toEqual([
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/bob',
    ]);
    expect(incident?.severity).toBe('SEV2');
  });

  it('tells the story on a timeline in event time, with the open and resolve marks', () => {
    const timeline = incident?.timeline ?? [];
    expect(timeline[0]?.summary).toBe('UpdateStateMachine on orders by alice');
    expect(timeline.map((t) => t.kind)).toContain('incident-opened');
    expect(timeline.at(-1)).toMatchObject({
      kind: 'incident-resolved',
      at: new Date(minutes(12)).toISOString(),
    });
    const times = timeline.map((t) => t.at);
    expect([...times].sort()).toEqual(times);
  });
});

describe('grouping, resolution and reopening', () => {
  it('groups failures within the incident gap into one incident', () => {
    const incidents = correlate([
      execution('a', minutes(0), 'FAILED'),
      execution('b', minutes(20), 'FAILED'),
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.counts.FAILED).toBe(2);
  });

  it('resolves after the quiet period when nothing fails and no alarm fires', () => {
    const [incident] = correlate([
      execution('a', minutes(0), 'FAILED'),
      execution('later', minutes(45), 'RUNNING'),
    ]);
    expect(incident?.status).toBe('RESOLVED');
    expect(incident?.resolvedAt).toBe(new Date(minutes(30)).toISOString());
  });

  it('stays open while a linked alarm is in ALARM, even after a success', () => {
    const alarmed = [
      alarmState('alarm', minutes(-1), 'orders-executions-failed', 'ALARM', 'OK', executionsFailedAlarm),
      execution('a', minutes(0), 'FAILED'),
      execution('ok', minutes(5), 'SUCCEEDED'),
    ];
    expect(correlate(alarmed)[0]?.status).toBe('OPEN');
  });

  it('uses the sweeper watermark for quiet resolution', () => {
    const failed = [execution('a', minutes(0), 'FAILED')];
    expect(correlate(failed)[0]?.status).toBe('OPEN');
    expect(correlate(failed, DEFAULT_CONFIG, minutes(31))[0]?.status).toBe('RESOLVED');
  });

  it('reopens within the reopen window and counts a flap instead of opening a new incident', () => {
    const incidents = correlate([
      execution('a', minutes(0), 'FAILED'),
      execution('ok', minutes(2), 'SUCCEEDED'),
      execution('b', minutes(50), 'FAILED'),
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.flapCount).toBe(1);
    expect(incidents[0]?.status).toBe('OPEN');
    expect(incidents[0]?.timeline.map((t) => t.kind)).toContain('incident-reopened');
  });

  it('opens a new incident after the reopen window', () => {
    const incidents = correlate([
      execution('a', minutes(0), 'FAILED'),
      execution('ok', minutes(2), 'SUCCEEDED'),
      execution('b', minutes(63), 'FAILED'),
    ]);
    expect(incidents.map((i) => i.status)).toEqual(['RESOLVED', 'OPEN']);
    expect(incidents[0]?.id).not.toBe(incidents[1]?.id);
  });

  it('opens on a linked alarm entering ALARM, but not on a suppressed one', () => {
    const alarm = metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS });
    const opened = correlate([alarmState('x', minutes(0), 'sm-alarm', 'ALARM', 'OK', alarm)]);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.title).toBe('orders: alarm sm-alarm in ALARM');
    const suppressed = correlate([
      alarmState('y', minutes(0), 'sm-alarm', 'ALARM', 'OK', alarm, { suppressedBy: 'Alarm' }),
    ]);
    expect(suppressed).toHaveLength(0);
  });

  it('lets configuration choose which statuses open an incident', () => {
    const onlyFailed = withConfig({ triggerStatuses: ['FAILED'] });
    expect(correlate([execution('a', minutes(0), 'ABORTED')], onlyFailed)).toHaveLength(0);
    expect(correlate([execution('a', minutes(0), 'ABORTED')])).toHaveLength(1);
  });

  it('keeps the failed run when its redrive succeeds, and the success resolves the incident', () => {
    const [incident] = correlate([
      execution('a', minutes(0), 'FAILED', { name: 'run' }),
      execution('a-redrive', minutes(3), 'SUCCEEDED', { name: 'run', redriveCount: 1 }),
    ]);
    expect(incident?.executions.map((e) => [e.status, e.redriveCount])).toEqual([['FAILED', 0]]);
    expect(incident?.traffic).toMatchObject({ failed: 1, succeeded: 1 });
    expect(incident?.resolvedAt).toBe(new Date(minutes(3)).toISOString());
  });

  it('keeps redriven failed runs of one execution apart', () => {
    const [incident] = correlate([
      execution('a', minutes(0), 'FAILED', { name: 'run' }),
      execution('a-redrive', minutes(3), 'FAILED', { name: 'run', redriveCount: 1 }),
    ]);
    expect(incident?.executions.map((e) => [e.status, e.redriveCount])).toEqual([
      ['FAILED', 0],
      ['FAILED', 1],
    ]);
  });

  it('escalates with the number of failures', () => {
    const failures = Array.from({ length: 20 }, (_, i) => execution(`f${i}`, minutes(i), 'FAILED'));
    expect(correlate(failures.slice(0, 1))[0]?.severity).toBe('SEV3');
    expect(correlate(failures.slice(0, 5))[0]?.severity).toBe('SEV2');
    expect(correlate(failures)[0]?.severity).toBe('SEV1');
  });
});

describe('hints from API calls and alarm changes', () => {
  it('reports AccessDenied calls by actor on the state machine', () => {
    const [incident] = correlate([
      apiCall('denied-1', minutes(-5), 'DeleteStateMachine', userActor('mallory'), {
        stateMachine: 'orders',
        errorCode: 'AccessDenied',
      }),
      apiCall('denied-2', minutes(-4), 'UpdateStateMachine', userActor('mallory'), {
        stateMachine: 'orders',
        errorCode: 'AccessDenied',
      }),
      execution('a', minutes(0), 'FAILED'),
    ]);
    expect(incident?.hints.find((h) => h.kind === 'access-denied')).toEqual({
      kind: 'access-denied',
      message: '2 AccessDenied call(s) by mallory: DeleteStateMachine, UpdateStateMachine',
      evidence: ['denied-1', 'denied-2'],
    });
    expect(incident?.hints.some((h) => h.kind === 'definition-updated')).toBe(false);
  });

  it('reports a threshold change and a deletion of a linked alarm during the incident', () => {
    const before = metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS }, 1);
    const after = metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS }, 50);
    const [incident] = correlate([
      execution('a', minutes(0), 'FAILED'),
      alarmConfig('raise', minutes(2), 'sm-alarm', 'update', after, before),
      alarmConfig('drop', minutes(3), 'sm-alarm', 'delete', after),
    ]);
    expect(
      incident?.hints
        .filter((h) => h.kind === 'alarm-changed' || h.kind === 'alarm-deleted')
        .map((h) => h.message),
    ).toEqual(['Threshold of alarm sm-alarm changed from 1 to 50', 'Alarm sm-alarm was deleted']);
    expect(incident?.alarms[0]?.deleted).toBe(true);
  });

  it('ignores API calls and alarms of other state machines', () => {
    const [incident] = correlate([
      execution('a', minutes(0), 'FAILED'),
      apiCall('other', minutes(-1), 'UpdateStateMachine', userActor('carol'), {
        stateMachine: 'billing',
        definitionResources: [],
      }),
      execution('b', minutes(1), 'FAILED', { machine: 'billing' }),
    ]);
    expect(incident?.apiCalls).toHaveLength(0);
    expect(incident?.counts).toEqual({ FAILED: 1 });
  });
});
