import { describe, expect, it } from 'vitest';
import {
  contextKey,
  contextPk,
  contextSkCondition,
  dayOf,
  incidentHeaderKey,
  linkItemKey,
  openedGsiSk,
  openPointerKey,
  quarantineKey,
  reverseLinkItemKey,
  scopeStateKey,
  stateMachineGsiPk,
  statusGsiPk,
  timelineEntrySk,
  timelineIndexKey,
  ttlSeconds,
} from '../../../src/adapters/dynamodb/keys.ts';
import {
  alarmState,
  apiCall,
  execution,
  metricAlarmConfiguration,
  stateMachineArn,
  userActor,
} from '../../builders/signals.ts';

describe('the single-table keys', () => {
  it('puts an incident header, its timeline index and its entries in one partition', () => {
    expect(incidentHeaderKey('inc-1')).toEqual({ pk: 'INC#inc-1', sk: 'HEAD' });
    expect(timelineIndexKey('inc-1')).toEqual({ pk: 'INC#inc-1', sk: 'TIMELINE' });
    expect(
      timelineEntrySk({ at: '2026-03-02T10:00:00.000Z', kind: 'execution', summary: 's', signalId: 'e1#ab' }),
    ).toBe('EVT#2026-03-02T10:00:00.000Z#execution#e1#ab');
    expect(timelineEntrySk({ at: '2026-03-02T10:00:00.000Z', kind: 'incident-opened', summary: 's' })).toBe(
      'EVT#2026-03-02T10:00:00.000Z#incident-opened#-',
    );
  });

  it('sorts timeline keys like the engine orders entries: time, then kind', () => {
    const keys = [
      timelineEntrySk({ at: '2026-03-02T10:00:00.000Z', kind: 'alarm-config', summary: '', signalId: 'a' }),
      timelineEntrySk({ at: '2026-03-02T10:00:00.000Z', kind: 'alarm', summary: '', signalId: 'b' }),
      timelineEntrySk({ at: '2026-03-02T09:59:59.999Z', kind: 'execution', summary: '', signalId: 'c' }),
    ];
    expect([...keys].sort().map((key) => key.split('#').at(-1))).toEqual(['c', 'b', 'a']);
  });

  it('keys the GSIs by status and by state machine, both sorted by opening time', () => {
    expect(statusGsiPk('OPEN')).toBe('STATUS#OPEN');
    expect(statusGsiPk('SUPERSEDED')).toBe('STATUS#SUPERSEDED');
    expect(stateMachineGsiPk(stateMachineArn())).toBe(`SM#${stateMachineArn()}`);
    expect(openedGsiSk('2026-03-02T10:00:00.000Z', 'inc-1')).toBe('2026-03-02T10:00:00.000Z#inc-1');
  });

  it('keeps the scope STATE and OPEN pointer in the scope partition', () => {
    expect(scopeStateKey(stateMachineArn())).toEqual({ pk: `SCOPE#${stateMachineArn()}`, sk: 'STATE' });
    expect(openPointerKey(stateMachineArn())).toEqual({ pk: `SCOPE#${stateMachineArn()}`, sk: 'OPEN' });
  });

  it('keys context by subject and canonical event time', () => {
    const signal = {
      ...execution('e1', Date.parse('2026-03-02T10:00:00Z'), 'FAILED'),
      eventTime: '2026-03-02T10:00:00Z',
    };
    expect(contextKey('arn:x', signal)).toEqual({ pk: 'CTX#arn:x', sk: '2026-03-02T10:00:00.000Z#e1' });
  });

  it('files context by class: decisive keeps the partition every class shared before', () => {
    const at = Date.parse('2026-03-02T10:00:00.000Z');
    const sk = (id: string) => `2026-03-02T10:00:00.000Z#${id}`;
    const alarm = alarmState('al', at, 'errors', 'ALARM', 'OK', metricAlarmConfiguration('AWS/Lambda', {}));
    expect(contextKey('s', execution('f', at, 'FAILED'))).toEqual({ pk: 'CTX#s', sk: sk('f') });
    expect(contextKey('s', execution('t', at, 'TIMED_OUT'))).toEqual({ pk: 'CTX#s', sk: sk('t') });
    expect(contextKey('s', alarm)).toEqual({ pk: 'CTX#s', sk: sk('al') });
    expect(contextKey('s', apiCall('c', at, 'StopExecution', userActor('bob')))).toEqual({
      pk: 'CTXA#s',
      sk: sk('c'),
    });
    // Healthy runs are folded into the scope's traffic summary, never kept as context.
    expect(contextKey('s', execution('ok', at, 'SUCCEEDED'))).toBeUndefined();
    expect(contextKey('s', execution('r', at, 'RUNNING'))).toBeUndefined();
    expect(contextPk('api-call', 'arn:x')).toBe('CTXA#arn:x');
  });

  it('turns a time range into the sort-key condition that selects exactly it', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const t = Date.parse('2026-03-02T10:00:00.000Z');
    expect(contextSkCondition(t, t + 500)).toEqual({ kind: 'between', from: iso(t), below: iso(t + 501) });
    expect(contextSkCondition(t, t)).toEqual({ kind: 'between', from: iso(t), below: iso(t + 1) });
    expect(contextSkCondition(t, undefined)).toEqual({ kind: 'from', from: iso(t) });
    expect(contextSkCondition(t, Number.POSITIVE_INFINITY)).toEqual({ kind: 'from', from: iso(t) });
    expect(contextSkCondition(Number.NEGATIVE_INFINITY, t)).toEqual({ kind: 'below', below: iso(t + 1) });
    expect(contextSkCondition(Number.NEGATIVE_INFINITY, undefined)).toEqual({ kind: 'all' });
    expect(contextSkCondition(t + 1, t)).toEqual({ kind: 'empty' });
    expect(contextSkCondition(Number.POSITIVE_INFINITY, undefined)).toEqual({ kind: 'empty' });
    // Fractional bounds select the whole milliseconds inside them.
    expect(contextSkCondition(t + 0.5, t + 1.5)).toEqual({
      kind: 'between',
      from: iso(t + 1),
      below: iso(t + 2),
    });
    expect(contextSkCondition(t + 0.2, t + 0.8)).toEqual({ kind: 'empty' });
    expect(() => contextSkCondition(Number.NaN, t)).toThrow(RangeError);
    // No stored key equals the upper bound, so BETWEEN up to it keeps exactly the items at or before `toMs`.
    const onUpper = `${iso(t + 500)}#zzz`;
    const justPast = `${iso(t + 501)}#0`;
    const below = iso(t + 501);
    expect([onUpper < below, justPast > below]).toEqual([true, true]);
  });

  it('stores links both ways', () => {
    const link = { from: 'arn:fn', to: 'arn:sm', source: 'definition' as const };
    expect(linkItemKey(link)).toEqual({ pk: 'LINK#arn:fn', sk: 'TO#arn:sm' });
    expect(reverseLinkItemKey(link)).toEqual({ pk: 'RLINK#arn:sm', sk: 'FROM#arn:fn' });
  });

  it('partitions quarantine by UTC day and tells entries of one record apart by position', () => {
    const entry = {
      recordId: '4959',
      position: ['Records', 3, 'kinesis', 'data'],
      reason: 'bad',
      raw: new Uint8Array(),
      rawRedactions: 0,
      quarantinedAt: '2026-03-02T23:59:59.999Z',
    };
    expect(quarantineKey(entry)).toEqual({
      pk: 'QUAR#2026-03-02',
      sk: '2026-03-02T23:59:59.999Z#4959#Records[3].kinesis.data',
    });
    expect(dayOf('2026-03-03T00:30:00+01:00')).toBe('2026-03-02');
    expect(() => dayOf('yesterday')).toThrow(RangeError);
  });

  it('expresses TTLs in epoch seconds', () => {
    expect(ttlSeconds(1_700_000_000_999)).toBe(1_700_000_000);
  });
});
