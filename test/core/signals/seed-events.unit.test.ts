import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeInput } from '../../../src/core/signals/normalize.ts';
import type { NormalizeResult } from '../../../src/core/signals/types.ts';
import { SEED_EVENTS_DIR, seedFileNames } from '../../builders/fixtures.ts';
import { onlyResult, signalOf } from './expect-result.ts';

const ALARM_PREFIX = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:';
const SEED_STATE_MACHINE = 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine';
const SEED_EXECUTION = 'arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name';
const SEED_USER_ARN = 'arn:aws:iam::123456789012:user/test-user';

function normalizeSeed(fileName: string): NormalizeResult {
  return onlyResult(normalizeInput(readFileSync(new URL(fileName, SEED_EVENTS_DIR))));
}

type SeedCheck = (result: NormalizeResult) => void;

function expectNoAccessKey(result: NormalizeResult): void {
  const serialized = JSON.stringify(result);
  expect(serialized).not.toContain('accessKeyId');
  expect(serialized).not.toMatch(/AKIA[A-Z0-9]{16}/);
}

function executionCheck(status: string, startMs: number, stopMs: number | undefined): SeedCheck {
  return (result) => {
    const signal = signalOf(result, 'execution');
    expect(signal.status).toBe(status);
    expect(signal.executionArn).toBe(SEED_EXECUTION);
    expect(signal.stateMachineArn).toBe(SEED_STATE_MACHINE);
    expect(signal.executionName).toBe('execution-name');
    expect(signal.startDate).toBe(new Date(startMs).toISOString());
    expect(signal.eventTimeMs).toBe(stopMs ?? startMs);
    expect(signal.eventTime).toBe(new Date(stopMs ?? startMs).toISOString());
    expect(signal.account).toBe('012345678912');
    expect(signal.redriveCount).toBe(0);
    expect(signal.input).toEqual({
      included: true,
      bytes: 2,
      sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    });
    expect(signal.subjects).toEqual([SEED_EXECUTION, SEED_STATE_MACHINE]);
    expect(signal.signalId).toMatch(/^315c1398-40ff-a850-213b-158f73e60175#[0-9a-f]{16}$/);
    expect(JSON.stringify(signal)).not.toContain('Hello World');
  };
}

const SEED_CHECKS: Readonly<Record<string, SeedCheck>> = {
  'cloudtrail-states--createactivity.json': (result) => {
    const signal = signalOf(result, 'api-call');
    expect(signal.eventName).toBe('CreateActivity');
    expect(signal.activityArn).toBe(
      'arn:aws:states:us-east-1:123456789012:activity:OtherActivityPrefix.2016-10-27-18-16-56.894c791e-2ced-4cf4-8523-376469410c25',
    );
    expect(signal.subjects).toEqual([signal.activityArn]);
    expect(signal.actor).toEqual({
      type: 'IAMUser',
      arn: SEED_USER_ARN,
      principalId: 'AIDAJYDLDBVBI4EXAMPLE',
      accountId: '123456789012',
      userName: 'test-user',
    });
    expect(signal.eventTime).toBe('2016-10-28T01:17:56.000Z');
    expectNoAccessKey(result);
  },
  'cloudtrail-states--createstatemachine.json': (result) => {
    const signal = signalOf(result, 'api-call');
    const stateMachineArn =
      'arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-06.bd144e18-0437-476e-9bb';
    expect(signal.eventName).toBe('CreateStateMachine');
    expect(signal.stateMachineArn).toBe(stateMachineArn);
    expect(signal.definition).toEqual({
      bytes: 125,
      sha256: '43d5f59ccbe07bf016f226dfd735572e2031d547cb959f89ac0667481b08c7cd',
      resources: [],
    });
    expect(signal.subjects).toEqual([stateMachineArn]);
    expect(JSON.stringify(signal)).not.toContain('SinglePass');
    expectNoAccessKey(result);
  },
  'cloudtrail-states--deleteactivity.json': (result) => {
    const signal = signalOf(result, 'api-call');
    expect(signal.eventName).toBe('DeleteActivity');
    expect(signal.activityArn).toBe(
      'arn:aws:states:us-east-1:123456789012:activity:testUser.2016-10-27-18-11-35.f017c391-9363-481a-be2e-',
    );
    expect(signal.stateMachineArn).toBeUndefined();
    expectNoAccessKey(result);
  },
  'cloudtrail-states--deletestatemachine.json': (result) => {
    const signal = signalOf(result, 'api-call');
    expect(signal.eventName).toBe('DeleteStateMachine');
    expect(signal.errorCode).toBe('AccessDenied');
    expect(signal.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-16-38.ec6e261f-1323-4555-9fa',
    );
    expect(signal.actor.arn).toBe('arn:aws:iam::123456789012:user/graphene/tests/test-user');
    expect(signal.actor.userName).toBe('test-user');
    expect(signal.errorMessage).toContain('is not authorized to perform: states:DeleteStateMachine');
    expectNoAccessKey(result);
  },
  'cloudtrail-states--startexecution.json': (result) => {
    const signal = signalOf(result, 'api-call');
    expect(signal.eventName).toBe('StartExecution');
    expect(signal.executionArn).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:testUser.2016-10-27-18-16-26.482bea32-560f-4a36-bd:testUser.2016-10-27-18-16-26.6e229586-3698-4ce5-8d',
    );
    expect(signal.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-16-26.482bea32-560f-4a36-bd',
    );
    expect(signal.actor.arn).toBe(SEED_USER_ARN);
    expect(signal.sourceIPAddress).toBe('10.61.88.189');
    expectNoAccessKey(result);
  },
  'cloudtrail-states--stopexecution.json': (result) => {
    const signal = signalOf(result, 'api-call');
    expect(signal.eventName).toBe('StopExecution');
    expect(signal.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-00.337b3344-83',
    );
    expect(signal.subjects).toEqual([
      'arn:aws:states:us-east-1:123456789012:execution:testUser.2016-10-27-18-17-00.337b3344-83:testUser.2016-10-27-18-17-00.3a0801c5-37',
      'arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-00.337b3344-83',
    ]);
    expect(signal.eventTime).toBe('2016-10-28T01:18:20.000Z');
    expectNoAccessKey(result);
  },
  'cloudwatch-alarm--creation-of-a-composite-alarm-with-a-suppressor-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('create');
    expect(signal.alarmArn).toBe(`${ALARM_PREFIX}ServiceAggregatedAlarm`);
    expect(signal.configuration.alarmType).toBe('composite');
    expect(signal.configuration.childAlarms).toEqual(['ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh']);
    expect(signal.configuration.actionsSuppressor).toBe('ServiceMaintenanceAlarm');
    expect(signal.configuration.actionsSuppressorWaitPeriod).toBe(120);
    expect(signal.configuration.actionsSuppressorExtensionPeriod).toBe(180);
    expect(signal.state?.value).toBe('INSUFFICIENT_DATA');
    expect(signal.eventTime).toBe('2022-07-14T13:59:46.425Z');
    expect(signal.subjects).toEqual([
      `${ALARM_PREFIX}ServerCpuTooHigh`,
      `${ALARM_PREFIX}ServiceAggregatedAlarm`,
      `${ALARM_PREFIX}TotalNetworkTrafficTooHigh`,
    ]);
  },
  'cloudwatch-alarm--creation-of-a-composite-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('create');
    expect(signal.configuration.alarmRule).toBe(
      'ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)',
    );
    expect(signal.configuration.childAlarms).toEqual(['ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh']);
    expect(signal.configuration.description).toBe('Aggregated monitor for instance');
    expect(signal.configuration.actionsSuppressor).toBeUndefined();
    expect(signal.previousConfiguration).toBeUndefined();
    expect(signal.eventTime).toBe('2022-03-03T17:06:22.289Z');
  },
  'cloudwatch-alarm--deletion-of-a-composite-alarm-with-a-suppressor-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('delete');
    expect(signal.state?.value).toBe('ALARM');
    expect(signal.state?.actionsSuppressedBy).toBe('WaitPeriod');
    expect(signal.configuration.actionsSuppressorExtensionPeriod).toBe(360);
    // A deletion happens when EventBridge reports it, not at the last configuration update.
    expect(signal.eventTime).toBe('2022-07-14T14:00:01.000Z');
  },
  'cloudwatch-alarm--deletion-of-a-metric-math-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('delete');
    expect(signal.alarmName).toBe('TotalNetworkTrafficTooHigh');
    expect(signal.configuration.alarmType).toBe('metric');
    expect(signal.configuration.threshold).toBe(10000);
    expect(signal.configuration.metrics.map((metric) => metric.id)).toEqual(['m1', 'm2', 'e1']);
    expect(signal.configuration.metrics[0]?.dimensions).toEqual({ InstanceId: 'i-12345678901234567' });
    expect(signal.configuration.metrics[2]?.expression).toBe('SUM(METRICS())');
    expect(signal.subjects).toEqual([`${ALARM_PREFIX}TotalNetworkTrafficTooHigh`]);
  },
  'cloudwatch-alarm--state-change-for-a-composite-alarm-with-a-suppressor-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-state');
    expect(signal.state.value).toBe('ALARM');
    expect(signal.previousState?.value).toBe('OK');
    expect(signal.state.actionsSuppressedBy).toBe('WaitPeriod');
    expect(signal.state.actionsSuppressedReason).toBe('Actions suppressed by WaitPeriod');
    expect(signal.triggeringAlarms).toEqual([`${ALARM_PREFIX}ServerCpuTooHigh`]);
    expect(signal.configuration.childAlarms).toEqual(['ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh']);
    expect(signal.configuration.actionsSuppressor).toBe('ServiceMaintenanceAlarm');
    expect(signal.eventTime).toBe('2022-07-22T15:57:45.394Z');
    expect(signal.subjects).toEqual([
      `${ALARM_PREFIX}ServerCpuTooHigh`,
      `${ALARM_PREFIX}ServiceAggregatedAlarm`,
      `${ALARM_PREFIX}TotalNetworkTrafficTooHigh`,
    ]);
  },
  'cloudwatch-alarm--state-change-for-a-metric-math-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-state');
    expect(signal.state.value).toBe('ALARM');
    expect(signal.previousState?.value).toBe('INSUFFICIENT_DATA');
    expect(signal.previousState?.reason).toBe('Unchecked: Initial alarm creation');
    expect(signal.triggeringAlarms).toEqual([]);
    const [expression, networkIn] = signal.configuration.metrics;
    expect(expression).toEqual({
      id: 'e1',
      dimensions: {},
      expression: 'SUM(METRICS())',
      label: 'Total Network Traffic',
      returnData: true,
    });
    expect(networkIn?.namespace).toBe('AWS/EC2');
    expect(networkIn?.metricName).toBe('NetworkIn');
    expect(networkIn?.dimensions).toEqual({ InstanceId: 'i-12345678901234567' });
    expect(signal.eventTime).toBe('2019-10-02T17:20:48.554Z');
  },
  'cloudwatch-alarm--state-change-for-a-single-metric-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-state');
    expect(signal.alarmArn).toBe(`${ALARM_PREFIX}ServerCpuTooHigh`);
    expect(signal.state.value).toBe('ALARM');
    expect(signal.state.timestamp).toBe('2019-10-02T17:04:40.989Z');
    expect(signal.previousState?.value).toBe('OK');
    expect(signal.previousState?.timestamp).toBe('2019-10-01T13:56:40.987Z');
    expect(signal.configuration.metrics).toEqual([
      {
        id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { InstanceId: 'i-12345678901234567' },
        stat: 'Average',
        period: 300,
        returnData: true,
      },
    ]);
    // Dimension-derived resources are topology, not subjects.
    expect(signal.subjects).toEqual([`${ALARM_PREFIX}ServerCpuTooHigh`]);
    expect(signal.eventTimeMs).toBe(Date.UTC(2019, 9, 2, 17, 4, 40, 989));
  },
  'cloudwatch-alarm--state-change-for-an-anomaly-detection-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-state');
    expect(signal.alarmName).toBe('EC2 CPU Utilization Anomaly');
    expect(signal.alarmArn).toBe(`${ALARM_PREFIX}EC2 CPU Utilization Anomaly`);
    expect(signal.state.value).toBe('ALARM');
    expect(signal.previousState?.value).toBe('OK');
    expect(signal.configuration.metrics[1]?.expression).toBe('ANOMALY_DETECTION_BAND(m1, 0.8)');
    expect(signal.configuration.metrics[0]?.period).toBe(60);
  },
  'cloudwatch-alarm--update-of-a-composite-alarm-with-a-suppressor-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('update');
    expect(signal.previousConfiguration?.actionsSuppressorExtensionPeriod).toBe(180);
    expect(signal.configuration.actionsSuppressorExtensionPeriod).toBe(360);
    expect(signal.state?.actionsSuppressedBy).toBe('WaitPeriod');
    expect(signal.eventTime).toBe('2022-07-14T13:59:56.290Z');
  },
  'cloudwatch-alarm--update-of-a-metric-alarm.json': (result) => {
    const signal = signalOf(result, 'alarm-config');
    expect(signal.operation).toBe('update');
    expect(signal.previousConfiguration?.threshold).toBe(70);
    expect(signal.configuration.threshold).toBe(80);
    expect(signal.configuration.comparisonOperator).toBe('GreaterThanThreshold');
    expect(signal.configuration.metrics[0]?.namespace).toBe('AWS/EC2');
    expect(signal.configuration.metrics[0]?.dimensions).toEqual({ InstanceId: 'i-12345678901234567' });
    expect(signal.state?.value).toBe('INSUFFICIENT_DATA');
    expect(signal.eventTime).toBe('2022-03-03T17:06:34.267Z');
  },
  'stepfunctions-status--execution-aborted.json': executionCheck('ABORTED', 1551225014968, 1551225017576),
  'stepfunctions-status--execution-failed.json': executionCheck('FAILED', 1551225146847, 1551225151881),
  'stepfunctions-status--execution-started.json': executionCheck('RUNNING', 1551225271984, undefined),
  'stepfunctions-status--execution-succeeded.json': (result) => {
    executionCheck('SUCCEEDED', 1547148840101, 1547148840122)(result);
    const signal = signalOf(result, 'execution');
    expect(signal.output).toEqual({
      included: true,
      bytes: 14,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  },
  'stepfunctions-status--execution-timed-out.json': executionCheck('TIMED_OUT', 1551224926156, 1551224927157),
};

describe('seed events', () => {
  it('has a check for every seed file', () => {
    expect(Object.keys(SEED_CHECKS).sort()).toEqual(seedFileNames());
  });

  for (const fileName of seedFileNames()) {
    it(`normalizes ${fileName}`, () => {
      const result = normalizeSeed(fileName);
      expect(result.position).toEqual([]);
      const check = SEED_CHECKS[fileName];
      if (check === undefined) throw new Error(`no check for ${fileName}`);
      check(result);
    });
  }

  it('gives the five execution seeds, which share one id and one time, five distinct signal ids', () => {
    const executionSeeds = seedFileNames().filter((name) => name.startsWith('stepfunctions-status--'));
    const ids = executionSeeds.map((name) => signalOf(normalizeSeed(name), 'execution').signalId);
    expect(executionSeeds).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });
});
