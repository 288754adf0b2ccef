import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  normalizeEvent,
  normalizeInput,
  normalizeRecordPayload,
  normalizeValue,
} from '../../../src/core/signals/normalize.ts';
import type { NormalizeResult } from '../../../src/core/signals/types.ts';
import {
  ACCOUNT,
  alarmArn,
  alarmConfigEvent,
  alarmState,
  alarmStateEvent,
  apiCallEvent,
  cloudTrailLogFile,
  cloudTrailRecord,
  compositeAlarmConfiguration,
  EXECUTION_ARN,
  eventBridgeEvent,
  executionEvent,
  STATE_MACHINE_ARN,
} from '../../../src/workloads/events.ts';
import {
  ASSUMED_ROLE_IDENTITY,
  gzipBytes,
  jsonBytes,
  ndjsonBytes,
  SEED_EVENTS_DIR,
  seedEvent,
} from '../../builders/fixtures.ts';
import { onlyResult, signalOf } from './expect-result.ts';

function rejection(result: NormalizeResult): { reason: string; position: readonly (string | number)[] } {
  if (result.result !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return { reason: result.reason, position: result.position };
}

describe('signal ids', () => {
  it('gives the same event the same signal id twice', () => {
    const event = seedEvent('stepfunctions-status--execution-failed');
    const first = signalOf(normalizeEvent(event, []), 'execution');
    const again = signalOf(normalizeEvent(structuredClone(event), [7]), 'execution');
    expect(again.signalId).toBe(first.signalId);
  });

  it('ignores whitespace and envelope differences but not a changed detail', () => {
    const event = executionEvent({ id: 'evt-1' });
    const reformatted = JSON.parse(JSON.stringify(event, null, 2));
    const redelivered = { ...event, time: '2030-01-01T00:00:00Z' };
    const changed = executionEvent({ id: 'evt-1', cause: 'different' });
    const ids = [event, reformatted, redelivered, changed].map(
      (value) => signalOf(normalizeEvent(value, []), 'execution').signalId,
    );
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[0]).toMatch(/^evt-1#[0-9a-f]{16}$/);
  });

  it('sanitizes and bounds the source event id inside the signal id', () => {
    const signal = signalOf(
      normalizeEvent(executionEvent({ id: `a/b c#${'x'.repeat(300)}` }), []),
      'execution',
    );
    const [idPart] = signal.signalId.split('#');
    expect(idPart).toBe(`a_b_c_${'x'.repeat(122)}`);
    expect(signal.sourceEventId).toHaveLength(128);
    expect(signal.truncated).toEqual(['sourceEventId']);
  });

  it('gives a CloudTrail record the same signal id raw, wrapped by EventBridge, in a log file and gzipped', () => {
    const record = seedEvent('cloudtrail-states--startexecution');
    const raw = signalOf(normalizeEvent(record, []), 'api-call');
    const wrapped = signalOf(normalizeEvent(apiCallEvent(record, { id: 'eb-id-1' }), []), 'api-call');
    const logFile = normalizeInput(gzipBytes(jsonBytes(cloudTrailLogFile([cloudTrailRecord(), record]))));
    const fromLog = signalOf(logFile[1], 'api-call');
    expect(wrapped.signalId).toBe(raw.signalId);
    expect(fromLog.signalId).toBe(raw.signalId);
    expect(logFile[1]?.position).toEqual(['Records', 1]);
    expect(raw.signalId.startsWith('30a20c8e-a3a1-4b07-9139-cd9cd73b5eb8#')).toBe(true);
    expect(wrapped.sourceEventId).toBe('30a20c8e-a3a1-4b07-9139-cd9cd73b5eb8');
  });
});

describe('execution events', () => {
  it('derives the state machine from the execution ARN when stateMachineArn is absent', () => {
    const event = executionEvent({ detail: { stateMachineArn: undefined } });
    const signal = signalOf(normalizeEvent(event, []), 'execution');
    expect(signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
  });

  it('canonicalizes a version state machine ARN and keeps the version ARN', () => {
    const event = executionEvent({
      stateMachineArn: `${STATE_MACHINE_ARN}:3`,
      detail: { stateMachineVersionArn: `${STATE_MACHINE_ARN}:3` },
    });
    const signal = signalOf(normalizeEvent(event, []), 'execution');
    expect(signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(signal.stateMachineVersionArn).toBe(`${STATE_MACHINE_ARN}:3`);
  });

  it('keeps unknown statuses as UNKNOWN:<value>, bounded', () => {
    const future = signalOf(normalizeEvent(executionEvent({ status: 'PAUSED' }), []), 'execution');
    const absurd = signalOf(normalizeEvent(executionEvent({ status: 'Z'.repeat(500) }), []), 'execution');
    expect(future.status).toBe('UNKNOWN:PAUSED');
    expect(absurd.status).toBe(`UNKNOWN:${'Z'.repeat(64)}`);
    expect(absurd.truncated).toEqual(['status']);
  });

  it('accepts PENDING_REDRIVE and counts redrives, timing a redriven run at its redrive date', () => {
    const redriveMs = Date.parse('2024-05-01T13:00:00.000Z');
    const pending = signalOf(normalizeEvent(executionEvent({ status: 'PENDING_REDRIVE' }), []), 'execution');
    const rerun = signalOf(
      normalizeEvent(
        executionEvent({
          status: 'RUNNING',
          redriveCount: 2,
          detail: { redriveDate: redriveMs, redriveStatus: 'NOT_REDRIVABLE' },
        }),
        [],
      ),
      'execution',
    );
    expect(pending.status).toBe('PENDING_REDRIVE');
    expect(rerun.redriveCount).toBe(2);
    expect(rerun.redriveDate).toBe('2024-05-01T13:00:00.000Z');
    expect(rerun.eventTime).toBe('2024-05-01T13:00:00.000Z');
    expect(rerun.redriveStatus).toBe('NOT_REDRIVABLE');
  });

  it('falls back to the envelope time when the execution has no dates', () => {
    const event = executionEvent({ status: 'RUNNING', startDate: null, time: '2024-06-01T00:00:05Z' });
    expect(signalOf(normalizeEvent(event, []), 'execution').eventTime).toBe('2024-06-01T00:00:05.000Z');
  });

  it('summarizes payloads without keeping them, and honours inputDetails.included=false', () => {
    const event = executionEvent({
      input: '{"card":"4111111111111111"}',
      output: null,
      detail: { outputDetails: { included: false } },
    });
    const signal = signalOf(normalizeEvent(event, []), 'execution');
    expect(signal.input).toEqual({
      included: true,
      bytes: 27,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(signal.output).toEqual({ included: false, bytes: 0 });
    expect(JSON.stringify(signal)).not.toContain('4111');
  });

  it('cuts error and cause to their caps and says so', () => {
    const event = executionEvent({ error: 'E'.repeat(300), cause: 'c'.repeat(5000) });
    const signal = signalOf(normalizeEvent(event, []), 'execution');
    expect(signal.error).toHaveLength(256);
    expect(signal.cause).toHaveLength(4096);
    expect(signal.truncated).toEqual(['cause', 'error']);
  });

  it('handles express and distributed-map child executions', () => {
    const express = `arn:aws:states:${'us-east-1'}:${ACCOUNT}:express:orders:run-1:0f1e2d3c`;
    const child = `arn:aws:states:us-east-1:${ACCOUNT}:execution:orders/ProcessItems:7b5e`;
    const expressSignal = signalOf(
      normalizeEvent(
        executionEvent({ executionArn: express, detail: { stateMachineArn: undefined, name: undefined } }),
        [],
      ),
      'execution',
    );
    const childSignal = signalOf(
      normalizeEvent(executionEvent({ executionArn: child, detail: { stateMachineArn: undefined } }), []),
      'execution',
    );
    expect(expressSignal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(expressSignal.executionName).toBe('run-1');
    expect(childSignal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(childSignal.subjects).toEqual([child, STATE_MACHINE_ARN]);
  });
});

describe('alarm events', () => {
  it('parses quoted names and ARNs in composite rules into child alarms and subjects', () => {
    const otherAccountChild = 'arn:aws:cloudwatch:us-east-1:210987654321:alarm:payments-latency';
    const rule = `ALARM("db (primary) errors") OR (NOT OK(orders-failures) AND INSUFFICIENT_DATA(${otherAccountChild})) OR TRUE`;
    const event = alarmStateEvent({
      alarmName: 'orders-composite',
      configuration: compositeAlarmConfiguration(rule),
    });
    const signal = signalOf(normalizeEvent(event, []), 'alarm-state');
    expect(signal.configuration.alarmType).toBe('composite');
    expect(signal.configuration.childAlarms).toEqual([
      'db (primary) errors',
      'orders-failures',
      'payments-latency',
    ]);
    expect(signal.subjects).toEqual([
      alarmArn('db (primary) errors'),
      alarmArn('orders-composite'),
      alarmArn('orders-failures'),
      otherAccountChild,
    ]);
  });

  it('builds the alarm ARN from region, account and name when resources is empty, in other partitions too', () => {
    const event = alarmStateEvent({ alarmName: 'cn-alarm', region: 'cn-north-1', resources: [] });
    const signal = signalOf(normalizeEvent(event, []), 'alarm-state');
    expect(signal.alarmArn).toBe(`arn:aws-cn:cloudwatch:cn-north-1:${ACCOUNT}:alarm:cn-alarm`);
  });

  it('does not reject an event whose reasonData is not JSON, and finds no triggering alarms in it', () => {
    const event = alarmStateEvent({ state: alarmState({ reasonData: '{"triggeringAlarms": [ broken' }) });
    const signal = signalOf(normalizeEvent(event, []), 'alarm-state');
    expect(signal.triggeringAlarms).toEqual([]);
    expect(signal.state.value).toBe('ALARM');
  });

  it('keeps only well-formed triggering alarm ARNs', () => {
    const reasonData = JSON.stringify({
      triggeringAlarms: [
        { arn: alarmArn('a') },
        { arn: 42 },
        'nonsense',
        { arn: 'not-an-arn' },
        { arn: alarmArn('a') },
      ],
    });
    const event = alarmStateEvent({ state: alarmState({ reasonData }) });
    expect(signalOf(normalizeEvent(event, []), 'alarm-state').triggeringAlarms).toEqual([alarmArn('a')]);
  });

  it('maps alarm tags and caps metrics and dimensions', () => {
    const dimensions = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`D${index}`, 'v']));
    const metrics = Array.from({ length: 25 }, (_, index) => ({
      id: `m${index}`,
      metricStat: {
        metric: { namespace: 'AWS/Lambda', name: 'Errors', dimensions },
        period: 60,
        stat: 'Sum',
      },
    }));
    const event = alarmStateEvent({ alarmTags: { team: 'orders' }, configuration: { metrics } });
    const signal = signalOf(normalizeEvent(event, []), 'alarm-state');
    expect(signal.tags).toEqual({ team: 'orders' });
    expect(signal.configuration.metrics).toHaveLength(20);
    expect(Object.keys(signal.configuration.metrics[0]?.dimensions ?? {})).toHaveLength(30);
    expect(signal.truncated).toContain('configuration.metrics');
    expect(signal.truncated).toContain('configuration.metrics.0.dimensions');
  });

  it('times a configuration change at the configuration timestamp, falling back to the envelope', () => {
    const timed = signalOf(normalizeEvent(alarmConfigEvent(), []), 'alarm-config');
    const untimed = signalOf(
      normalizeEvent(alarmConfigEvent({ configuration: { threshold: 3 }, time: '2024-05-02T00:00:00Z' }), []),
      'alarm-config',
    );
    expect(timed.eventTime).toBe('2024-05-01T12:00:00.500Z');
    expect(untimed.eventTime).toBe('2024-05-02T00:00:00.000Z');
    expect(untimed.configuration.threshold).toBe(3);
  });
});

describe('API call events', () => {
  it('never keeps the access key id of an assumed role, and names the session issuer', () => {
    const record = cloudTrailRecord({ userIdentity: ASSUMED_ROLE_IDENTITY });
    const signal = signalOf(normalizeEvent(record, []), 'api-call');
    expect(signal.actor).toEqual({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/ci-session`,
      principalId: 'AROAEXAMPLEID:ci-session',
      accountId: ACCOUNT,
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer`,
    });
    expect(JSON.stringify(signal)).not.toContain('ASIAEXAMPLEKEY123456');
  });

  it('summarizes an UpdateStateMachine definition with names resolved in the state machine account', () => {
    const definition = JSON.stringify({
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'charge-card:live', 'Payload.$': '$' },
          End: true,
        },
      },
    });
    const record = cloudTrailRecord({
      eventName: 'UpdateStateMachine',
      requestParameters: { stateMachineArn: STATE_MACHINE_ARN, definition },
    });
    const signal = signalOf(normalizeEvent(record, []), 'api-call');
    const chargeCard = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:charge-card`;
    expect(signal.definition?.resources).toEqual([chargeCard]);
    expect(signal.subjects).toEqual([chargeCard, STATE_MACHINE_ARN]);
    expect(JSON.stringify(signal)).not.toContain('Payload');
  });

  it('derives the state machine of DescribeExecution and RedriveExecution from the execution ARN', () => {
    for (const eventName of ['DescribeExecution', 'RedriveExecution']) {
      const record = cloudTrailRecord({ eventName, requestParameters: { executionArn: EXECUTION_ARN } });
      const signal = signalOf(normalizeEvent(record, []), 'api-call');
      expect(signal.executionArn).toBe(EXECUTION_ARN);
      expect(signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    }
  });

  it('recovers an execution ARN from an AccessDenied message', () => {
    const record = cloudTrailRecord({
      eventName: 'StopExecution',
      requestParameters: null,
      errorCode: 'AccessDeniedException',
      errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/x/y is not authorized to perform: states:StopExecution on resource: ${EXECUTION_ARN}.`,
    });
    const signal = signalOf(normalizeEvent(record, []), 'api-call');
    expect(signal.executionArn).toBe(EXECUTION_ARN);
    expect(signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
  });
});

describe('rejections', () => {
  const cases: readonly {
    name: string;
    bytes: Uint8Array;
    reason: RegExp;
    position: readonly (string | number)[];
  }[] = [
    {
      name: 'bad UTF-8',
      bytes: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      reason: /not valid UTF-8/,
      position: [],
    },
    {
      name: 'truncated JSON',
      bytes: readFileSync(new URL('stepfunctions-status--execution-failed.json', SEED_EVENTS_DIR)).subarray(
        0,
        200,
      ),
      reason: /invalid JSON/,
      position: [],
    },
    {
      name: 'a wrong type',
      bytes: jsonBytes(executionEvent({ detail: { status: 5 } })),
      reason: /^detail\.status: Invalid input: expected string, received number$/,
      position: ['detail', 'status'],
    },
    {
      name: 'a missing required field',
      bytes: jsonBytes(alarmStateEvent({ detail: { state: undefined } })),
      reason: /^detail\.state: /,
      position: ['detail', 'state'],
    },
    {
      name: 'an unparseable timestamp',
      bytes: jsonBytes(alarmStateEvent({ state: alarmState({ timestamp: '2019-13-02T17:04:40.989+0000' }) })),
      reason: /not an ISO-8601 timestamp/,
      position: ['detail', 'state', 'timestamp'],
    },
    {
      name: 'an execution ARN that is not one',
      bytes: jsonBytes(executionEvent({ executionArn: 'arn:aws:states:us-east-1:123:execution:x' })),
      reason: /not a Step Functions execution ARN/,
      position: ['detail', 'executionArn'],
    },
    {
      name: 'an oversize event',
      bytes: jsonBytes(executionEvent({ detail: { padding: 'p'.repeat(1024 * 1024) } })),
      reason: /over the 1048576-byte cap/,
      position: [],
    },
    {
      name: 'a __proto__ key',
      bytes: new TextEncoder().encode(
        JSON.stringify(executionEvent()).replace('"detail":{', '"detail":{"__proto__":{"polluted":true},'),
      ),
      reason: /forbidden key __proto__ at \.detail\.__proto__/,
      position: [],
    },
    {
      name: 'an escaped __proto__ key',
      bytes: new TextEncoder().encode('{"source":"aws.states","\\u005f_proto__":{}}'),
      reason: /forbidden key __proto__/,
      position: [],
    },
    {
      name: 'bad gzip',
      bytes: new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]),
      reason: /invalid gzip data/,
      position: [],
    },
    {
      name: 'a JSON value that is not an object',
      bytes: jsonBytes('just a string'),
      reason: /expected a JSON object, got string/,
      position: [],
    },
    {
      name: 'an object that is neither event nor record',
      bytes: jsonBytes({ hello: 'world' }),
      reason: /neither an EventBridge event nor a CloudTrail record/,
      position: [],
    },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name} with reason and position`, () => {
      const { reason, position } = rejection(onlyResult(normalizeInput(testCase.bytes)));
      expect(reason).toMatch(testCase.reason);
      expect(position).toEqual(testCase.position);
    });
  }

  it('prefixes issue paths with the Kinesis record position', () => {
    const payload = jsonBytes(executionEvent({ detail: { status: 5 } }));
    const [result] = normalizeRecordPayload(payload, ['Records', 5, 'kinesis', 'data']);
    expect(result?.position).toEqual(['Records', 5, 'kinesis', 'data', 'detail', 'status']);
  });

  it('rejects a record payload over the Kinesis record cap before decoding it', () => {
    const [result] = normalizeRecordPayload(new Uint8Array(1024 * 1024 + 1), [
      'Records',
      0,
      'kinesis',
      'data',
    ]);
    expect(result).toEqual({
      result: 'rejected',
      position: ['Records', 0, 'kinesis', 'data'],
      reason: 'input is 1048577 bytes, over the 1048576-byte cap',
    });
  });

  it('turns a cyclic value into a rejection instead of throwing', () => {
    const cyclic: Record<string, unknown> = { ...executionEvent() };
    cyclic.detail = { ...(executionEvent().detail as object), self: cyclic };
    expect(normalizeEvent(cyclic, []).result).toBe('rejected');
  });
});

describe('ignored events', () => {
  it('ignores CloudWatch Alarm Contributor State Change', () => {
    const event = eventBridgeEvent('aws.cloudwatch', 'CloudWatch Alarm Contributor State Change', {
      alarmName: 'x',
    });
    expect(normalizeEvent(event, [3])).toEqual({
      result: 'ignored',
      position: [3],
      reason:
        'no handler for source "aws.cloudwatch" detail-type "CloudWatch Alarm Contributor State Change"',
      source: 'aws.cloudwatch',
      detailType: 'CloudWatch Alarm Contributor State Change',
    });
  });

  it('ignores an unknown source, even when its envelope is incomplete', () => {
    const result = normalizeEvent(
      { source: 'com.example.orders', 'detail-type': 'OrderPlaced', detail: {} },
      [],
    );
    expect(result.result).toBe('ignored');
    expect(result.result === 'ignored' && result.source).toBe('com.example.orders');
  });

  it('ignores CloudTrail records of other services, raw and wrapped', () => {
    const lambdaRecord = cloudTrailRecord({ eventSource: 'lambda.amazonaws.com', eventName: 'Invoke' });
    const raw = normalizeEvent(lambdaRecord, ['Records', 0]);
    const wrapped = normalizeEvent(apiCallEvent(lambdaRecord), []);
    expect(raw).toEqual({
      result: 'ignored',
      position: ['Records', 0],
      reason: 'CloudTrail event source lambda.amazonaws.com is not handled',
      source: 'lambda.amazonaws.com',
      detailType: 'AWS API Call via CloudTrail',
    });
    expect(wrapped.result).toBe('ignored');
  });
});

describe('containers', () => {
  it('expands arrays, log files and NDJSON with positions', () => {
    const array = normalizeInput(jsonBytes([executionEvent(), cloudTrailLogFile([cloudTrailRecord()])]));
    const ndjson = normalizeInput(ndjsonBytes([executionEvent(), alarmStateEvent()]));
    expect(array.map((result) => result.position)).toEqual([[0], [1, 'Records', 0]]);
    expect(ndjson.map((result) => [result.result, result.position])).toEqual([
      ['signal', ['line', 1]],
      ['signal', ['line', 2]],
    ]);
  });

  it('normalizes a value that is a log file or an array through normalizeValue', () => {
    const results = normalizeValue(
      cloudTrailLogFile([cloudTrailRecord(), cloudTrailRecord({ record: { eventSource: 5 } })]),
      ['Records', 2],
    );
    expect(results.map((result) => result.result)).toEqual(['signal', 'rejected']);
    expect(results[1]?.position).toEqual(['Records', 2, 'Records', 1, 'eventSource']);
  });

  it('refuses a log file handed to normalizeEvent, which expects one event', () => {
    expect(normalizeEvent(cloudTrailLogFile([]), []).result).toBe('rejected');
  });
});
