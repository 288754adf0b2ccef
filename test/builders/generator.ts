import { redactSecrets } from '../../src/core/redact-secrets.ts';
/**
 * A seeded generator of realistic event mixes, for the reliability suite and the benchmark: many
 * state machines, each with its Lambda functions and alarms; runs that mostly succeed; failures
 * clustered into outages (a deploy before, alarms firing, an operator stopping a stuck run, alarms
 * recovering, successes after); background alarm noise and API calls; the odd event no rule wants.
 * The same seed gives the same events, byte for byte, so a failing run can be replayed.
 *
 * It also frames events as Kinesis records (what Lambda hands the consumer) and makes poison
 * records, so every workload is built the same way.
 */

import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  alarmConfigEvent,
  alarmState,
  alarmStateEvent,
  apiCallEvent,
  cloudTrailRecord,
  compositeAlarmConfiguration,
  eventBridgeEvent,
  executionEvent,
  type JsonObject,
  metric,
  metricAlarmConfiguration,
} from './events.ts';

export const GENERATOR_ACCOUNT = '111122223333';
export const GENERATOR_REGION = 'us-east-1';
const DEFAULT_START_MS = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast and good enough to make workloads, never for anything secret. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    const low = Math.ceil(min);
    return low + Math.floor(this.next() * (Math.floor(max) - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  hex(length: number): string {
    let text = '';
    while (text.length < length)
      text += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return text.slice(0, length);
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Fisher-Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      const here = copy[index];
      const there = copy[other];
      if (here === undefined || there === undefined) continue;
      copy[index] = there;
      copy[other] = here;
    }
    return copy;
  }
}

// ---------------------------------------------------------------------------------------------
// The workload model
// ---------------------------------------------------------------------------------------------

export interface GeneratorOptions {
  readonly seed: number;
  /** Exactly this many events are returned. */
  readonly events: number;
  /** Default: one per 250 events, at least 3. */
  readonly stateMachines?: number;
  readonly startMs?: number;
  /** How long the activity lasts in event time (default 6 h: well inside the correlation horizon). */
  readonly spanMs?: number;
  /**
   * Put secret-looking values where real users do (execution input/output, StartExecution input,
   * access keys of callers), for the security checks. Access keys are always present, as in real
   * CloudTrail records.
   */
  readonly secrets?: boolean;
}

export type EventFamily = 'execution' | 'alarm-state' | 'alarm-config' | 'api-call' | 'other';

export interface GeneratedEvent {
  readonly atMs: number;
  readonly family: EventFamily;
  readonly event: JsonObject;
}

export interface GeneratedMix {
  /** In event-time order, as the sources would send them. */
  readonly events: readonly GeneratedEvent[];
  readonly stateMachineArns: readonly string[];
  readonly counts: Readonly<Record<EventFamily, number>>;
}

/** Values the security checks look for; they must never reach the table or a log line. */
export const PLANTED_SECRETS = {
  password: 'hunter2-Pa55w0rd!',
  apiKey: 'sk_live_51Hc0ffeeC0ffeeC0ffeeC0ffee',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl',
  customerEmail: 'jane.doe.customer@example.org',
  cardNumber: '4111111111111111',
} as const;

const DOMAINS = [
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
const VERBS = ['validate', 'charge', 'reserve', 'notify', 'persist', 'enrich', 'export', 'score'] as const;
const OPERATORS = ['alice', 'bob', 'carol', 'dave'] as const;
const ERRORS = [
  ['Lambda.Unknown', 'Lambda timed out after 30000 ms'],
  ['States.TaskFailed', '{"errorMessage":"downstream returned 503","errorType":"ServiceUnavailable"}'],
  ['PaymentGatewayTimeout', '{"errorMessage":"gateway timed out after 10000 ms"}'],
  ['Lambda.TooManyRequestsException', 'Rate exceeded'],
] as const;

interface FunctionInfo {
  readonly name: string;
  readonly arn: string;
  readonly alarmName: string;
}

interface Machine {
  readonly index: number;
  readonly name: string;
  readonly arn: string;
  readonly functions: readonly FunctionInfo[];
  readonly failuresAlarm: string;
  readonly composite: string | undefined;
  /** Relative traffic: a few hot state machines carry most of it, as in real accounts. */
  readonly weight: number;
}

const arnOf = {
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
const cloudWatchTime = (ms: number) => iso(ms).replace('Z', '+0000');
const envelopeTime = (ms: number) => `${iso(ms).slice(0, 19)}Z`;

function machinesFor(count: number, random: Random): Machine[] {
  return Array.from({ length: count }, (_, index) => {
    const domain = DOMAINS[index % DOMAINS.length] ?? 'flow';
    const name = `${domain}-${index}`;
    const verbs = random.shuffle(VERBS).slice(0, random.int(2, 4));
    const functions = verbs.map((verb) => ({
      name: `${name}-${verb}`,
      arn: arnOf.function(`${name}-${verb}`),
      alarmName: `${name}-${verb}-errors`,
    }));
    return {
      index,
      name,
      arn: arnOf.stateMachine(name),
      functions,
      failuresAlarm: `${name}-executions-failed`,
      composite: random.chance(0.5) ? `${name}-health` : undefined,
      // Zipf-like: machine k carries 1/(k+1) of the traffic of machine 0, shuffled across names.
      weight: 1 / (1 + random.int(0, count - 1)),
    };
  });
}

function iamUser(name: string, random: Random): JsonObject {
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

function assumedRole(session: string, random: Random): JsonObject {
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

function definitionOf(machine: Machine): string {
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

class Timeline {
  readonly events: GeneratedEvent[] = [];

  constructor(private readonly random: Random) {}

  id(): string {
    return this.random.uuid();
  }

  add(atMs: number, family: EventFamily, event: JsonObject): void {
    this.events.push({ atMs, family, event });
  }
}

function apiCall(
  line: Timeline,
  atMs: number,
  eventName: string,
  identity: JsonObject,
  requestParameters: JsonObject | null,
  extra: JsonObject = {},
): void {
  const record = cloudTrailRecord({
    eventName,
    eventTime: envelopeTime(atMs),
    eventID: line.id(),
    awsRegion: GENERATOR_REGION,
    recipientAccountId: GENERATOR_ACCOUNT,
    userIdentity: identity,
    requestParameters,
    record: extra,
  });
  line.add(
    atMs,
    'api-call',
    apiCallEvent(record, {
      id: line.id(),
      time: envelopeTime(atMs),
      account: GENERATOR_ACCOUNT,
      region: GENERATOR_REGION,
    }),
  );
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

interface AlarmRef {
  readonly name: string;
  readonly configuration: JsonObject;
}

function alarmsOf(machine: Machine): AlarmRef[] {
  return [
    ...machine.functions.map((fn) => ({ name: fn.alarmName, configuration: functionAlarmConfiguration(fn) })),
    { name: machine.failuresAlarm, configuration: failuresAlarmConfiguration(machine) },
    ...(machine.composite === undefined
      ? []
      : [{ name: machine.composite, configuration: compositeConfiguration(machine) }]),
  ];
}

function alarmTransition(
  line: Timeline,
  atMs: number,
  alarm: AlarmRef,
  to: string,
  from: string,
  options: { suppressedBy?: string; triggering?: string } = {},
): void {
  const reasonData =
    options.triggering === undefined
      ? undefined
      : JSON.stringify({
          triggeringAlarms: [
            {
              arn: arnOf.alarm(options.triggering),
              state: { value: 'ALARM', timestamp: cloudWatchTime(atMs) },
            },
          ],
        });
  line.add(
    atMs,
    'alarm-state',
    alarmStateEvent({
      id: line.id(),
      time: envelopeTime(atMs),
      account: GENERATOR_ACCOUNT,
      region: GENERATOR_REGION,
      alarmName: alarm.name,
      state: alarmState({
        value: to,
        reason:
          to === 'ALARM' ? 'Threshold Crossed: 3 datapoints were greater than the threshold (1.0)' : 'OK',
        timestamp: cloudWatchTime(atMs),
        reasonData,
        actionsSuppressedBy: options.suppressedBy,
        actionsSuppressedReason: options.suppressedBy === undefined ? undefined : 'Maintenance window',
      }),
      previousState: alarmState({ value: from, timestamp: cloudWatchTime(atMs - 10 * MINUTE) }),
      configuration: alarm.configuration,
    }),
  );
}

function setUp(line: Timeline, machine: Machine, atMs: number, random: Random): void {
  apiCall(
    line,
    atMs,
    'CreateStateMachine',
    assumedRole('ci-pipeline', random),
    {
      name: machine.name,
      definition: definitionOf(machine),
      roleArn: `arn:aws:iam::${GENERATOR_ACCOUNT}:role/sfn`,
    },
    { responseElements: { stateMachineArn: machine.arn, creationDate: envelopeTime(atMs) } },
  );
  for (const [offset, alarm] of alarmsOf(machine).entries()) {
    const at = atMs + (offset + 1) * 1_000;
    line.add(
      at,
      'alarm-config',
      alarmConfigEvent({
        id: line.id(),
        time: envelopeTime(at),
        account: GENERATOR_ACCOUNT,
        region: GENERATOR_REGION,
        alarmName: alarm.name,
        operation: 'create',
        state: alarmState({ value: 'INSUFFICIENT_DATA', timestamp: cloudWatchTime(at) }),
        configuration: { ...alarm.configuration, alarmName: alarm.name, timestamp: cloudWatchTime(at) },
      }),
    );
  }
}

function executionInput(runName: string, random: Random, secrets: boolean): string {
  const input: JsonObject = { orderId: runName, amount: random.int(1, 900), currency: 'EUR' };
  if (secrets) {
    Object.assign(input, {
      customer: { email: PLANTED_SECRETS.customerEmail, card: PLANTED_SECRETS.cardNumber },
      credentials: { password: PLANTED_SECRETS.password, apiKey: PLANTED_SECRETS.apiKey },
    });
  }
  return JSON.stringify(input);
}

interface RunOptions {
  readonly terminal: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly durationMs: number;
  /** Best-effort delivery: a status event can go missing. */
  readonly dropRunning: boolean;
  readonly startCall: boolean;
}

function run(
  line: Timeline,
  machine: Machine,
  runName: string,
  startMs: number,
  options: RunOptions,
  random: Random,
  secrets: boolean,
): void {
  const executionArn = arnOf.execution(machine.name, runName);
  const input = executionInput(runName, random, secrets);
  const common = {
    executionArn,
    stateMachineArn: machine.arn,
    name: runName,
    startDate: startMs,
    input,
    account: GENERATOR_ACCOUNT,
    region: GENERATOR_REGION,
  };
  if (options.startCall) {
    apiCall(
      line,
      startMs - 50,
      'StartExecution',
      iamUser('orders-api', random),
      {
        stateMachineArn: machine.arn,
        name: runName,
        input,
      },
      { responseElements: { executionArn, startDate: envelopeTime(startMs) } },
    );
  }
  if (!options.dropRunning) {
    line.add(
      startMs,
      'execution',
      executionEvent({
        ...common,
        id: line.id(),
        time: envelopeTime(startMs),
        status: 'RUNNING',
        stopDate: null,
      }),
    );
  }
  const stopMs = startMs + options.durationMs;
  const [error, cause] = random.pick(ERRORS);
  const failed = options.terminal === 'FAILED';
  const output = secrets
    ? JSON.stringify({ ok: true, token: PLANTED_SECRETS.bearer })
    : JSON.stringify({ ok: true, receipt: random.hex(12) });
  line.add(
    stopMs,
    'execution',
    executionEvent({
      ...common,
      id: line.id(),
      time: envelopeTime(stopMs),
      status: options.terminal,
      stopDate: stopMs,
      output: options.terminal === 'SUCCEEDED' ? output : null,
      ...(failed ? { error, cause } : {}),
      ...(options.terminal === 'TIMED_OUT'
        ? { error: 'States.Timeout', cause: 'The execution timed out' }
        : {}),
    }),
  );
}

interface Outage {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Everything around one outage except the failing runs themselves, which `activity` produces. */
function outageSurroundings(line: Timeline, machine: Machine, outage: Outage, random: Random): void {
  const alarms = alarmsOf(machine);
  const operator = random.pick(OPERATORS);
  if (random.chance(0.7)) {
    const deployAt = outage.fromMs - random.int(2, 15) * MINUTE;
    apiCall(line, deployAt, 'UpdateStateMachine', iamUser(operator, random), {
      stateMachineArn: machine.arn,
      definition: definitionOf(machine),
    });
  }
  const culprit = random.pick(machine.functions);
  const culpritAlarm = alarms.find((alarm) => alarm.name === culprit.alarmName);
  const failuresAlarm = alarms.find((alarm) => alarm.name === machine.failuresAlarm);
  const composite = alarms.find((alarm) => alarm.name === machine.composite);
  const recoverAt = outage.toMs + random.int(1, 4) * MINUTE;
  if (culpritAlarm !== undefined) {
    alarmTransition(line, outage.fromMs + MINUTE, culpritAlarm, 'ALARM', 'OK');
    alarmTransition(line, recoverAt, culpritAlarm, 'OK', 'ALARM');
  }
  if (failuresAlarm !== undefined) {
    alarmTransition(line, outage.fromMs + 2 * MINUTE, failuresAlarm, 'ALARM', 'OK');
    alarmTransition(line, recoverAt + MINUTE, failuresAlarm, 'OK', 'ALARM');
  }
  if (composite !== undefined) {
    const suppressed = random.chance(0.3);
    alarmTransition(line, outage.fromMs + 2 * MINUTE + 30_000, composite, 'ALARM', 'OK', {
      triggering: culprit.alarmName,
      ...(suppressed ? { suppressedBy: 'Alarm' } : {}),
    });
    alarmTransition(line, recoverAt + MINUTE, composite, 'OK', 'ALARM');
  }
  if (failuresAlarm !== undefined && random.chance(0.2)) {
    // Someone raises the threshold mid-incident: a hint the engine should surface.
    const at = outage.fromMs + 5 * MINUTE;
    line.add(
      at,
      'alarm-config',
      alarmConfigEvent({
        id: line.id(),
        time: envelopeTime(at),
        account: GENERATOR_ACCOUNT,
        region: GENERATOR_REGION,
        alarmName: failuresAlarm.name,
        operation: 'update',
        configuration: {
          ...failuresAlarm.configuration,
          threshold: 10,
          alarmName: failuresAlarm.name,
          timestamp: cloudWatchTime(at),
        },
        previousConfiguration: { ...failuresAlarm.configuration, alarmName: failuresAlarm.name },
      }),
    );
  }
  if (random.chance(0.15)) {
    // An AccessDenied names the state machine only in its message (requestParameters is null).
    const at = outage.fromMs + 3 * MINUTE;
    apiCall(line, at, 'DeleteStateMachine', iamUser('intern', random), null, {
      errorCode: 'AccessDenied',
      errorMessage: `User: ${arnOf.user('intern')} is not authorized to perform: states:DeleteStateMachine on resource: ${machine.arn} because no identity-based policy allows the states:DeleteStateMachine action`,
    });
  }
}

interface ActivityPlan {
  readonly machine: Machine;
  readonly startMs: number;
  readonly spanMs: number;
  /** Stop once this many events were produced for the machine. */
  readonly budget: number;
  readonly secrets: boolean;
}

/** One machine's traffic: runs at a steady pace, outages now and then, background noise. */
function activity(line: Timeline, plan: ActivityPlan, random: Random): void {
  const { machine, secrets } = plan;
  // About 2.3 events per step (two status events, sometimes an API call or an alarm).
  const steps = Math.max(1, Math.ceil(plan.budget / 2.3));
  const stepMs = Math.max(1_000, Math.floor(plan.spanMs / steps));
  const outages: Outage[] = [];
  const alarms = alarmsOf(machine);
  let runs = 0;
  for (let at = plan.startMs; line.events.length < plan.budget; at += random.int(stepMs / 2, stepMs * 1.5)) {
    const current = outages.find((outage) => at >= outage.fromMs && at <= outage.toMs);
    if (current === undefined && random.chance(1 / Math.max(40, steps / 2))) {
      const outage = { fromMs: at, toMs: at + random.int(8, 25) * MINUTE };
      outages.push(outage);
      outageSurroundings(line, machine, outage, random);
    }
    const inOutage = outages.some((outage) => at >= outage.fromMs && at <= outage.toMs);
    const roll = random.next();
    if (roll < 0.9) {
      runs += 1;
      const runName = `run-${machine.index}-${runs}`;
      const failing = inOutage ? random.chance(0.8) : random.chance(0.005);
      const terminal = failing ? (random.chance(0.85) ? 'FAILED' : 'TIMED_OUT') : 'SUCCEEDED';
      const durationMs = random.int(800, 45_000);
      run(
        line,
        machine,
        runName,
        at,
        {
          terminal,
          durationMs,
          dropRunning: random.chance(0.03),
          startCall: random.chance(0.1),
        },
        random,
        secrets,
      );
      if (inOutage && random.chance(0.08)) {
        // A stuck run an operator stops: StopExecution, then ABORTED.
        runs += 1;
        const stuck = `run-${machine.index}-${runs}`;
        const stopAt = at + random.int(1, 3) * MINUTE;
        apiCall(line, stopAt, 'StopExecution', iamUser(random.pick(OPERATORS), random), {
          executionArn: arnOf.execution(machine.name, stuck),
          cause: 'stuck on downstream',
        });
        run(
          line,
          machine,
          stuck,
          at,
          {
            terminal: 'ABORTED',
            durationMs: stopAt - at + 200,
            dropRunning: false,
            startCall: false,
          },
          random,
          secrets,
        );
      }
    } else if (roll < 0.95) {
      const alarm = random.pick(alarms);
      // Alarm noise that is not an outage: data going missing and coming back.
      const [to, from] = random.chance(0.5) ? ['INSUFFICIENT_DATA', 'OK'] : ['OK', 'INSUFFICIENT_DATA'];
      alarmTransition(line, at, alarm, to, from);
    } else if (roll < 0.995) {
      apiCall(line, at, 'TagResource', iamUser(random.pick(OPERATORS), random), {
        resourceArn: machine.arn,
        tags: [{ key: 'team', value: machine.name.split('-')[0] }],
      });
    } else {
      line.add(
        at,
        'other',
        eventBridgeEvent(
          'aws.cloudwatch',
          'CloudWatch Alarm Contributor State Change',
          { alarmName: machine.failuresAlarm, alarmContributor: { id: random.hex(8), attributes: {} } },
          { id: line.id(), time: envelopeTime(at), account: GENERATOR_ACCOUNT, region: GENERATOR_REGION },
        ),
      );
    }
  }
}

/** A realistic mix of exactly `options.events` events. */
export function generateEvents(options: GeneratorOptions): GeneratedMix {
  const random = new Random(options.seed);
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const spanMs = options.spanMs ?? 6 * HOUR;
  const count = options.stateMachines ?? Math.max(3, Math.round(options.events / 250));
  const machines = machinesFor(count, random);
  const totalWeight = machines.reduce((sum, machine) => sum + machine.weight, 0);
  const all: GeneratedEvent[] = [];
  for (const machine of machines) {
    const line = new Timeline(random);
    setUp(line, machine, startMs - 30 * MINUTE + machine.index * 2_000, random);
    // 10% over the share, so the merged list always has enough to cut exactly `events` from.
    const budget = line.events.length + Math.ceil((options.events * 1.1 * machine.weight) / totalWeight) + 4;
    activity(line, { machine, startMs, spanMs, budget, secrets: options.secrets ?? false }, random);
    all.push(...line.events);
  }
  const ordered = all
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.atMs - b.event.atMs || a.order - b.order)
    .map(({ event }) => event);
  // Set-up events come first in time, so the cut only ever drops the tail of the activity.
  const events = ordered.slice(0, options.events);
  const counts: Record<EventFamily, number> = {
    execution: 0,
    'alarm-state': 0,
    'alarm-config': 0,
    'api-call': 0,
    other: 0,
  };
  for (const event of events) counts[event.family] += 1;
  return { events, stateMachineArns: machines.map((machine) => machine.arn), counts };
}

// ---------------------------------------------------------------------------------------------
// Kinesis framing and poison
// ---------------------------------------------------------------------------------------------

export const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = `arn:aws:kinesis:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:stream/incident-events`;

/** Kinesis sequence numbers are large decimal strings that sort by arrival within a shard. */
export function sequenceNumber(index: number): string {
  return `4964${String(index).padStart(52, '0')}`;
}

export interface RecordSpec {
  /** The Kinesis `data` field as sent: base64 text (or, for poison, whatever arrived). */
  readonly data: string;
  readonly partitionKey: string;
}

export function recordSpecOf(event: JsonObject): RecordSpec {
  const detail = event.detail;
  const partitionKey =
    typeof detail === 'object' &&
    detail !== null &&
    'stateMachineArn' in detail &&
    typeof detail.stateMachineArn === 'string'
      ? detail.stateMachineArn
      : String(event.id);
  return { data: Buffer.from(JSON.stringify(event), 'utf8').toString('base64'), partitionKey };
}

/** Records with sequence numbers from `firstIndex` on, in the shape Lambda puts in the event. */
export function kinesisRecords(specs: readonly RecordSpec[], firstIndex = 0): KinesisStreamRecord[] {
  return specs.map((spec, offset) => {
    const sequence = sequenceNumber(firstIndex + offset);
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: spec.partitionKey,
        sequenceNumber: sequence,
        data: spec.data,
        approximateArrivalTimestamp: 1_772_409_600 + (firstIndex + offset) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD_ID}:${sequence}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${GENERATOR_ACCOUNT}:role/consumer`,
      awsRegion: GENERATOR_REGION,
      eventSourceARN: STREAM_ARN,
    };
  });
}

export function kinesisEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export type PoisonKind = 'bad-base64' | 'truncated-json' | 'wrong-types';
export const POISON_KINDS: readonly [PoisonKind, ...PoisonKind[]] = [
  'bad-base64',
  'truncated-json',
  'wrong-types',
];

/**
 * A record the consumer must quarantine, never retry: text that is not base64, JSON cut short (as a
 * producer bug would), or a well-formed event whose fields have the wrong types. `like` lends it a
 * realistic body.
 */
export function poisonSpec(kind: PoisonKind, like: JsonObject, random: Random): RecordSpec {
  const partitionKey = `poison-${random.hex(8)}`;
  switch (kind) {
    case 'bad-base64':
      return { data: `!!not*base64 ${random.hex(6)}!!`, partitionKey };
    case 'truncated-json': {
      const text = JSON.stringify(like);
      const cut = text.slice(0, random.int(10, Math.max(11, text.length - 10)));
      return { data: Buffer.from(cut, 'utf8').toString('base64'), partitionKey };
    }
    case 'wrong-types': {
      const broken = executionEvent({
        id: random.uuid(),
        account: GENERATOR_ACCOUNT,
        region: GENERATOR_REGION,
        detail: { status: 42, startDate: 'yesterday', executionArn: ['not', 'a', 'string'] },
      });
      return { data: Buffer.from(JSON.stringify(broken), 'utf8').toString('base64'), partitionKey };
    }
  }
}

/** The bytes the quarantine must hold for a record: the decoded payload, or the text itself if it was not base64. */
export function quarantinedBytesOf(spec: RecordSpec, kind: PoisonKind): Buffer {
  const arrived = kind === 'bad-base64' ? Buffer.from(spec.data, 'utf8') : Buffer.from(spec.data, 'base64');
  // Quarantine keeps what arrived with access keys and secret-named values masked.
  return Buffer.from(redactSecrets(arrived).bytes);
}
