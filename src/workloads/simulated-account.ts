/**
 * The simulated AWS account every generated workload lives in: its ids and ARNs, its state
 * machines (each with its Lambda functions, an Errors alarm per function, a failures alarm and
 * maybe a composite over them), their definitions, and the callers of its APIs. Pure description:
 * nothing here emits an event.
 */

import { compositeAlarmConfiguration, type JsonObject, metric, metricAlarmConfiguration } from './events.ts';
import type { Random } from './random.ts';

export const GENERATOR_ACCOUNT = '111122223333';
export const GENERATOR_REGION = 'us-east-1';
/** Where generated event time starts unless a caller says otherwise: a fixed instant, for determinism. */
export const DEFAULT_START_MS = Date.parse('2026-03-02T00:00:00.000Z');
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export const DOMAINS = [
  'checkout',
  'billing',
  'shipping',
  'onboarding',
  'etl',
  'reports',
  'notify',
  'refunds',
  'inventory',
  'fraud',
] as const;
export const VERBS = [
  'validate',
  'charge',
  'reserve',
  'notify',
  'persist',
  'enrich',
  'export',
  'score',
] as const;
export const OPERATORS = ['alice', 'bob', 'carol', 'dave'] as const;
/** [error, cause] pairs as Step Functions reports them when a Lambda task fails. */
export const ERRORS = [
  ['Lambda.Unknown', 'Lambda timed out after 30000 ms'],
  ['States.TaskFailed', '{"errorMessage":"downstream returned 503","errorType":"ServiceUnavailable"}'],
  ['PaymentGatewayTimeout', '{"errorMessage":"gateway timed out after 10000 ms"}'],
  ['Lambda.TooManyRequestsException', 'Rate exceeded'],
] as const;

export interface FunctionInfo {
  readonly name: string;
  readonly arn: string;
  /** Its AWS/Lambda Errors alarm. */
  readonly alarmName: string;
}

export interface Machine {
  readonly index: number;
  readonly name: string;
  readonly arn: string;
  readonly functions: readonly FunctionInfo[];
  readonly failuresAlarm: string;
  readonly composite: string | undefined;
  /** Relative traffic (the mix only): a few hot state machines carry most of it, as in real accounts. */
  readonly weight: number;
}

export const arnOf = {
  stateMachine: (name: string) =>
    `arn:aws:states:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:stateMachine:${name}`,
  execution: (machine: string, name: string) =>
    `arn:aws:states:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:execution:${machine}:${name}`,
  function: (name: string) => `arn:aws:lambda:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:function:${name}`,
  alarm: (name: string) => `arn:aws:cloudwatch:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:alarm:${name}`,
  user: (name: string) => `arn:aws:iam::${GENERATOR_ACCOUNT}:user/${name}`,
};

const iso = (ms: number) => new Date(ms).toISOString();
/** CloudWatch writes `+0000`, not `Z`. */
export const cloudWatchTime = (ms: number) => iso(ms).replace('Z', '+0000');
/** EventBridge envelopes and CloudTrail records carry whole seconds. */
export const envelopeTime = (ms: number) => `${iso(ms).slice(0, 19)}Z`;

export interface MachineShape {
  readonly index: number;
  readonly name: string;
  /** One Lambda function per verb, called in this order. */
  readonly verbs: readonly string[];
  readonly composite: boolean;
  readonly weight?: number;
}

/** A state machine with its functions and alarms, named the way the rest of the generator expects. */
export function describeMachine(shape: MachineShape): Machine {
  const { name } = shape;
  return {
    index: shape.index,
    name,
    arn: arnOf.stateMachine(name),
    functions: shape.verbs.map((verb) => ({
      name: `${name}-${verb}`,
      arn: arnOf.function(`${name}-${verb}`),
      alarmName: `${name}-${verb}-errors`,
    })),
    failuresAlarm: `${name}-executions-failed`,
    composite: shape.composite ? `${name}-health` : undefined,
    weight: shape.weight ?? 1,
  };
}

export function iamUser(name: string, random: Random): JsonObject {
  return {
    type: 'IAMUser',
    principalId: `AIDA${random.hex(16).toUpperCase()}`,
    arn: arnOf.user(name),
    accountId: GENERATOR_ACCOUNT,
    // Real records carry the caller's key id; the pipeline must never keep it.
    accessKeyId: `AKIA${random.hex(16).toUpperCase()}`,
    userName: name,
  };
}

export function assumedRole(session: string, random: Random): JsonObject {
  const role = `arn:aws:iam::${GENERATOR_ACCOUNT}:role/deployer`;
  return {
    type: 'AssumedRole',
    principalId: `AROA${random.hex(16).toUpperCase()}:${session}`,
    arn: `arn:aws:sts::${GENERATOR_ACCOUNT}:assumed-role/deployer/${session}`,
    accountId: GENERATOR_ACCOUNT,
    accessKeyId: `ASIA${random.hex(16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROADEPLOYER', arn: role, accountId: GENERATOR_ACCOUNT },
      attributes: { creationDate: '2026-03-01T23:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** The Amazon States Language definition: one Task per function, in order; the engine learns links from it. */
export function definitionOf(machine: Machine): string {
  const states: Record<string, JsonObject> = {};
  machine.functions.forEach((fn, index) => {
    const next = machine.functions[index + 1];
    // Both ways of calling Lambda appear in real definitions: the direct ARN and the SDK integration.
    states[fn.name] =
      index % 2 === 0
        ? { Type: 'Task', Resource: fn.arn, Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }] }
        : {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fn.arn, 'Payload.$': '$' },
          };
    Object.assign(states[fn.name] ?? {}, next === undefined ? { End: true } : { Next: next.name });
  });
  return JSON.stringify({ Comment: machine.name, StartAt: machine.functions[0]?.name, States: states });
}

function functionAlarmConfiguration(fn: FunctionInfo): JsonObject {
  return metricAlarmConfiguration({
    description: `Errors of ${fn.name}`,
    metrics: [metric({ namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: fn.name } })],
  });
}

function failuresAlarmConfiguration(machine: Machine): JsonObject {
  return metricAlarmConfiguration({
    description: `Failed executions of ${machine.name}`,
    metrics: [metric({ dimensions: { StateMachineArn: machine.arn } })],
  });
}

function compositeConfiguration(machine: Machine): JsonObject {
  const children = [machine.failuresAlarm, ...machine.functions.map((fn) => fn.alarmName)];
  return compositeAlarmConfiguration(children.map((child) => `ALARM(${child})`).join(' OR '), {
    actionsSuppressor: `${machine.name}-maintenance`,
    actionsSuppressorWaitPeriod: 120,
    actionsSuppressorExtensionPeriod: 180,
  });
}

export interface AlarmRef {
  readonly name: string;
  readonly configuration: JsonObject;
}

/** The machine's alarms: each function's Errors alarm, the failures alarm, then the composite if any. */
export function alarmsOf(machine: Machine): AlarmRef[] {
  return [
    ...machine.functions.map((fn) => ({ name: fn.alarmName, configuration: functionAlarmConfiguration(fn) })),
    { name: machine.failuresAlarm, configuration: failuresAlarmConfiguration(machine) },
    ...(machine.composite === undefined
      ? []
      : [{ name: machine.composite, configuration: compositeConfiguration(machine) }]),
  ];
}
