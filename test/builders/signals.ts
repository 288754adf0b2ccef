import type {
  Actor,
  AlarmConfigSignal,
  AlarmConfiguration,
  AlarmStateSignal,
  AlarmStateValue,
  ApiCallSignal,
  ExecutionSignal,
  ExecutionStatus,
} from '../../src/core/signals/types.ts';

/** Builders for normalized signals, for engine tests that need variations the seed events lack. */

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const T0 = Date.parse('2026-03-02T10:00:00.000Z');
export const minutes = (n: number): number => T0 + n * 60_000;

export const stateMachineArn = (name = 'orders') =>
  `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
export const executionArn = (name: string, machine = 'orders') =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:${name}`;
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const alarmArn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
export const userActor = (name: string): Actor => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  userName: name,
});

const iso = (ms: number) => new Date(ms).toISOString();
const base = (id: string, atMs: number) => ({
  signalId: id,
  sourceEventId: id,
  eventTime: iso(atMs),
  eventTimeMs: atMs,
  account: ACCOUNT,
  region: REGION,
  truncated: [],
});

export function execution(
  id: string,
  atMs: number,
  status: ExecutionStatus,
  options: {
    name?: string;
    machine?: string;
    error?: string;
    cause?: string;
    redriveCount?: number;
    durationMs?: number;
  } = {},
): ExecutionSignal {
  const name = options.name ?? id;
  const machine = options.machine ?? 'orders';
  const arn = executionArn(name, machine);
  const terminal = status !== 'RUNNING';
  return {
    ...base(id, atMs),
    kind: 'execution',
    subjects: [arn, stateMachineArn(machine)].sort(),
    executionArn: arn,
    stateMachineArn: stateMachineArn(machine),
    executionName: name,
    status,
    startDate: iso(terminal ? atMs - (options.durationMs ?? 5_000) : atMs),
    stopDate: terminal ? iso(atMs) : undefined,
    error: options.error,
    cause: options.cause,
    redriveCount: options.redriveCount ?? 0,
    input: { included: true, bytes: 2, sha256: 'a'.repeat(64) },
    output: { included: false, bytes: 0 },
  };
}

export function metricAlarmConfiguration(
  namespace: string,
  dimensions: Record<string, string>,
  threshold = 1,
): AlarmConfiguration {
  return {
    alarmType: 'metric',
    metrics: [{ id: 'm1', namespace, metricName: 'Errors', dimensions, stat: 'Sum', period: 60 }],
    threshold,
    childAlarms: [],
  };
}

export function compositeConfiguration(children: string[], suppressor?: string): AlarmConfiguration {
  return {
    alarmType: 'composite',
    metrics: [],
    alarmRule: children.map((c) => `ALARM(${c})`).join(' OR '),
    childAlarms: children,
    actionsSuppressor: suppressor,
  };
}

export function alarmState(
  id: string,
  atMs: number,
  name: string,
  to: AlarmStateValue,
  from: AlarmStateValue,
  configuration: AlarmConfiguration,
  options: { suppressedBy?: string; tags?: Record<string, string> } = {},
): AlarmStateSignal {
  const arn = alarmArn(name);
  return {
    ...base(id, atMs),
    kind: 'alarm-state',
    subjects: [arn, ...configuration.childAlarms.map(alarmArn)].sort(),
    alarmArn: arn,
    alarmName: name,
    state: {
      value: to,
      timestamp: iso(atMs),
      reason: `went ${to}`,
      actionsSuppressedBy: options.suppressedBy,
    },
    previousState: { value: from, timestamp: iso(atMs - 60_000) },
    triggeringAlarms: [],
    configuration,
    tags: options.tags ?? {},
  };
}

export function alarmConfig(
  id: string,
  atMs: number,
  name: string,
  operation: 'create' | 'update' | 'delete',
  configuration: AlarmConfiguration,
  previousConfiguration?: AlarmConfiguration,
): AlarmConfigSignal {
  const arn = alarmArn(name);
  return {
    ...base(id, atMs),
    kind: 'alarm-config',
    subjects: [arn],
    alarmArn: arn,
    alarmName: name,
    operation,
    configuration,
    previousConfiguration,
    tags: {},
  };
}

export function apiCall(
  id: string,
  atMs: number,
  eventName: string,
  actor: Actor,
  options: {
    stateMachine?: string;
    execution?: string;
    errorCode?: string;
    definitionResources?: string[];
  } = {},
): ApiCallSignal {
  const machineArn = options.stateMachine === undefined ? undefined : stateMachineArn(options.stateMachine);
  const execArn =
    options.execution === undefined
      ? undefined
      : executionArn(options.execution, options.stateMachine ?? 'orders');
  const derivedMachine =
    execArn === undefined ? machineArn : stateMachineArn(options.stateMachine ?? 'orders');
  return {
    ...base(id, atMs),
    kind: 'api-call',
    subjects: [derivedMachine, execArn].filter((s): s is string => s !== undefined).sort(),
    eventName,
    eventSource: 'states.amazonaws.com',
    actor,
    sourceIPAddress: '203.0.113.7',
    errorCode: options.errorCode,
    stateMachineArn: derivedMachine,
    executionArn: execArn,
    definition:
      options.definitionResources === undefined
        ? undefined
        : { bytes: 100, sha256: 'b'.repeat(64), resources: [...options.definitionResources].sort() },
  };
}
