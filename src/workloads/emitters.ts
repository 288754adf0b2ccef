/**
 * One simulated happening (an API call, an alarm transition, a state machine being set up, an
 * execution run) written as the raw events its sources send, into whatever collects them. Every
 * random draw a happening needs is made here, in a fixed order, so a seed fixes the bytes.
 */

import {
  alarmConfigEvent,
  alarmState,
  alarmStateEvent,
  apiCallEvent,
  cloudTrailRecord,
  executionEvent,
  type JsonObject,
} from './events.ts';
import type { EventFamily } from './generated.ts';
import { PLANTED_SECRETS } from './planted-secrets.ts';
import type { Random } from './random.ts';
import {
  type AlarmRef,
  alarmsOf,
  arnOf,
  assumedRole,
  cloudWatchTime,
  definitionOf,
  ERRORS,
  envelopeTime,
  type FunctionInfo,
  GENERATOR_ACCOUNT,
  GENERATOR_REGION,
  iamUser,
  type Machine,
  MINUTE,
} from './simulated-account.ts';

/** Where emitted events go: an array to sort later (the mix) or a queue released in time order (busy, fleet). */
export interface EventSink {
  /** A fresh event id, drawn from the workload's seeded randomness. */
  id(): string;
  add(atMs: number, family: EventFamily, event: JsonObject): void;
}

export function emitApiCall(
  sink: EventSink,
  atMs: number,
  eventName: string,
  identity: JsonObject,
  requestParameters: JsonObject | null,
  extra: JsonObject = {},
): void {
  const record = cloudTrailRecord({
    eventName,
    eventTime: envelopeTime(atMs),
    eventID: sink.id(),
    awsRegion: GENERATOR_REGION,
    recipientAccountId: GENERATOR_ACCOUNT,
    userIdentity: identity,
    requestParameters,
    record: extra,
  });
  sink.add(
    atMs,
    'api-call',
    apiCallEvent(record, {
      id: sink.id(),
      time: envelopeTime(atMs),
      account: GENERATOR_ACCOUNT,
      region: GENERATOR_REGION,
    }),
  );
}

export interface TransitionOptions {
  /** The alarm that suppressed this one's actions (composites only). */
  readonly suppressedBy?: string;
  /** The child alarm named in a composite's reasonData. */
  readonly triggering?: string;
}

export function emitAlarmTransition(
  sink: EventSink,
  atMs: number,
  alarm: AlarmRef,
  to: string,
  from: string,
  options: TransitionOptions = {},
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
  sink.add(
    atMs,
    'alarm-state',
    alarmStateEvent({
      id: sink.id(),
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

/** A threshold change on an existing alarm ("update"), as someone does mid-incident. */
export function emitAlarmUpdate(sink: EventSink, atMs: number, alarm: AlarmRef, changes: JsonObject): void {
  sink.add(
    atMs,
    'alarm-config',
    alarmConfigEvent({
      id: sink.id(),
      time: envelopeTime(atMs),
      account: GENERATOR_ACCOUNT,
      region: GENERATOR_REGION,
      alarmName: alarm.name,
      operation: 'update',
      configuration: {
        ...alarm.configuration,
        ...changes,
        alarmName: alarm.name,
        timestamp: cloudWatchTime(atMs),
      },
      previousConfiguration: { ...alarm.configuration, alarmName: alarm.name },
    }),
  );
}

/**
 * CreateStateMachine (whose definition names the functions), then each alarm created one second
 * apart: what the engine learns its links from, so it comes before any traffic.
 */
export function emitSetUp(sink: EventSink, machine: Machine, atMs: number, random: Random): void {
  emitApiCall(
    sink,
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
    sink.add(
      at,
      'alarm-config',
      alarmConfigEvent({
        id: sink.id(),
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

/** The events `emitSetUp` writes for a machine: CreateStateMachine plus one per alarm. */
export function setUpEventCount(machine: Machine): number {
  return 1 + alarmsOf(machine).length;
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

export type TerminalStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface RunOptions {
  readonly terminal: TerminalStatus;
  readonly durationMs: number;
  /** Best-effort delivery: a status event can go missing. */
  readonly dropRunning: boolean;
  /** A StartExecution API call 50 ms before the run. */
  readonly startCall: boolean;
  /** Planted secrets in input and output (see planted-secrets.ts). */
  readonly secrets: boolean;
  /** The [error, cause] of a FAILED run; one of ERRORS at random when absent. */
  readonly failure?: readonly [string, string];
}

/** One execution: RUNNING at `startMs` (unless dropped), its terminal status `durationMs` later. */
export function emitRun(
  sink: EventSink,
  machine: Machine,
  runName: string,
  startMs: number,
  options: RunOptions,
  random: Random,
): void {
  const { secrets } = options;
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
    emitApiCall(
      sink,
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
    sink.add(
      startMs,
      'execution',
      executionEvent({
        ...common,
        id: sink.id(),
        time: envelopeTime(startMs),
        status: 'RUNNING',
        stopDate: null,
      }),
    );
  }
  const stopMs = startMs + options.durationMs;
  const [error, cause] = options.failure ?? random.pick(ERRORS);
  const failed = options.terminal === 'FAILED';
  const output = secrets
    ? JSON.stringify({ ok: true, token: PLANTED_SECRETS.bearer })
    : JSON.stringify({ ok: true, receipt: random.hex(12) });
  sink.add(
    stopMs,
    'execution',
    executionEvent({
      ...common,
      id: sink.id(),
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

/** A composite alarm is evaluated after its children: it follows them this much later. */
export const COMPOSITE_LAG_MS = 10_000;

/**
 * A Lambda function failing: its Errors alarm goes ALARM at `alarmAtMs` and OK at `okAtMs`; the
 * machine's composite (if any) follows each a little later, naming the function's alarm.
 */
export function emitFunctionOutageAlarms(
  sink: EventSink,
  machine: Machine,
  culprit: FunctionInfo,
  alarmAtMs: number,
  okAtMs: number,
): void {
  const alarms = alarmsOf(machine);
  const errorsAlarm = alarms.find((alarm) => alarm.name === culprit.alarmName);
  if (errorsAlarm === undefined) throw new Error(`${culprit.name} is not a function of ${machine.name}`);
  emitAlarmTransition(sink, alarmAtMs, errorsAlarm, 'ALARM', 'OK');
  emitAlarmTransition(sink, okAtMs, errorsAlarm, 'OK', 'ALARM');
  const composite = alarms.find((alarm) => alarm.name === machine.composite);
  if (composite === undefined) return;
  emitAlarmTransition(sink, alarmAtMs + COMPOSITE_LAG_MS, composite, 'ALARM', 'OK', {
    triggering: culprit.alarmName,
  });
  emitAlarmTransition(sink, okAtMs + COMPOSITE_LAG_MS, composite, 'OK', 'ALARM');
}
