/**
 * The busy profile: one state machine carrying steady traffic (by default 2 executions/s for a
 * whole day of event time, ~350k events), RUNNING then SUCCEEDED per run, with the odd outage: a
 * burst of FAILED runs while one Lambda function's Errors alarm goes ALARM, and OK a few minutes
 * after, successes going on around it. The shape production has and the mix never reaches: one
 * scope whose history keeps growing for the whole correlation horizon.
 *
 * Generated as it is read (see GeneratedStream): only the runs still in flight are held.
 */

import {
  emitFunctionOutageAlarms,
  emitRun,
  emitSetUp,
  type RunOptions,
  setUpEventCount,
} from './emitters.ts';
import { collectStream, type GeneratedEvent, type GeneratedMix, type GeneratedStream } from './generated.ts';
import { nonNegativeNumber, positiveNumber, wholeNumber } from './option-checks.ts';
import { Random } from './random.ts';
import {
  DEFAULT_START_MS,
  describeMachine,
  ERRORS,
  type FunctionInfo,
  HOUR,
  type Machine,
  MINUTE,
  SECOND,
  VERBS,
} from './simulated-account.ts';
import { TimeOrderedQueue } from './time-ordered-queue.ts';

export interface BusyOptions {
  readonly seed: number;
  /** Executions started per second, steadily (default 2; fractions allowed). */
  readonly rate?: number;
  /** Event time the traffic lasts (default 24 h: the whole correlation horizon). */
  readonly durationMs?: number;
  readonly startMs?: number;
  /** Outages, one in each equal slice of the span (default one per 4 h of traffic, at least one). */
  readonly outages?: number;
  /** FAILED runs per outage, on top of the steady traffic (default 20). */
  readonly failuresPerOutage?: number;
  /** Event time an outage's FAILED runs are spread over (default 2 min). */
  readonly outageSpreadMs?: number;
  /** The culprit's Errors alarm goes back to OK this long after the outage's last failure (default 3 min). */
  readonly recoveryMs?: number;
  /** Lambda functions the state machine calls, each with its AWS/Lambda Errors alarm (default 3). */
  readonly functions?: number;
  /** A composite alarm over the others that follows the culprit into ALARM and back (default true). */
  readonly composite?: boolean;
  /** The state machine's name (default `orders-busy`). */
  readonly name?: string;
}

export const BUSY_DEFAULTS = {
  rate: 2,
  durationMs: 24 * HOUR,
  /** One outage per this much traffic when `outages` is not given. */
  outageEveryMs: 4 * HOUR,
  failuresPerOutage: 20,
  outageSpreadMs: 2 * MINUTE,
  recoveryMs: 3 * MINUTE,
  functions: 3,
  composite: true,
  name: 'orders-busy',
} as const;

/** Healthy runs take this long, from RUNNING to SUCCEEDED. */
const RUN_MS = { min: 400, max: 6_000 } as const;
/** A failing run gives up quickly: the culprit function errors out. */
const FAILED_RUN_MS = { min: 300, max: 3_000 } as const;
/** CloudWatch needs a period or so to see the errors: the alarm fires this long after the first failure. */
const ALARM_DELAY_MS = 30 * SECOND;

interface ResolvedBusy {
  readonly seed: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly startMs: number;
  readonly outages: number;
  readonly failuresPerOutage: number;
  readonly outageSpreadMs: number;
  readonly recoveryMs: number;
  readonly machine: Machine;
}

/** Event time one outage takes, from its first failure to its alarm's last transition, with a margin. */
function outageNeedsMs(plan: Pick<ResolvedBusy, 'outageSpreadMs' | 'recoveryMs'>): number {
  return (
    plan.outageSpreadMs + FAILED_RUN_MS.max + Math.max(plan.recoveryMs, ALARM_DELAY_MS + MINUTE) + MINUTE
  );
}

function resolve(options: BusyOptions): ResolvedBusy {
  const durationMs = positiveNumber('durationMs', options.durationMs ?? BUSY_DEFAULTS.durationMs);
  const functions = wholeNumber('functions', options.functions ?? BUSY_DEFAULTS.functions, 1, VERBS.length);
  const plan: ResolvedBusy = {
    seed: options.seed,
    rate: positiveNumber('rate', options.rate ?? BUSY_DEFAULTS.rate),
    durationMs,
    startMs: options.startMs ?? DEFAULT_START_MS,
    outages: wholeNumber(
      'outages',
      options.outages ?? Math.max(1, Math.round(durationMs / BUSY_DEFAULTS.outageEveryMs)),
      0,
    ),
    failuresPerOutage: wholeNumber(
      'failuresPerOutage',
      options.failuresPerOutage ?? BUSY_DEFAULTS.failuresPerOutage,
      0,
    ),
    outageSpreadMs: nonNegativeNumber(
      'outageSpreadMs',
      options.outageSpreadMs ?? BUSY_DEFAULTS.outageSpreadMs,
    ),
    recoveryMs: nonNegativeNumber('recoveryMs', options.recoveryMs ?? BUSY_DEFAULTS.recoveryMs),
    machine: describeMachine({
      index: 0,
      name: options.name ?? BUSY_DEFAULTS.name,
      verbs: VERBS.slice(0, functions),
      composite: options.composite ?? BUSY_DEFAULTS.composite,
    }),
  };
  // Refused up front, before a single event is made: outages share the span in equal slices.
  const needsMs = outageNeedsMs(plan);
  if (plan.outages > 0 && plan.durationMs / plan.outages < needsMs) {
    throw new RangeError(
      `${plan.outages} outage(s) do not fit in ${plan.durationMs / MINUTE} min of traffic: each needs ${needsMs / MINUTE} min`,
    );
  }
  return plan;
}

interface FailedRun {
  readonly name: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly failure: readonly [string, string];
}

interface PlannedOutage {
  readonly culprit: FunctionInfo;
  readonly runs: readonly FailedRun[];
  /** The culprit's Errors alarm: ALARM, then OK (absent when the outage has no failures). */
  readonly alarm: { readonly atMs: number; readonly okAtMs: number } | undefined;
}

/**
 * Where each outage falls: one per equal slice of the span, somewhere inside it with room for
 * its failures and the alarm's recovery, so outages never overlap and never run past the end.
 */
function planOutages(plan: ResolvedBusy, random: Random): PlannedOutage[] {
  const sliceMs = plan.durationMs / Math.max(1, plan.outages);
  // `resolve` made sure every outage fits its slice; this is the slack it can move in.
  const roomMs = Math.max(0, sliceMs - outageNeedsMs(plan));
  return Array.from({ length: plan.outages }, (_, outage) => {
    const sliceStart = plan.startMs + outage * sliceMs;
    const fromMs = Math.floor(sliceStart + roomMs * (0.1 + 0.8 * random.next()));
    const culprit = random.pick(plan.machine.functions);
    const [error, cause] = random.pick(ERRORS);
    const gapMs = plan.outageSpreadMs / Math.max(1, plan.failuresPerOutage);
    const runs = Array.from({ length: plan.failuresPerOutage }, (_, index) => ({
      name: `run-outage${outage + 1}-failed-${index + 1}`,
      // One failure in each equal part of the spread: spread evenly, never bunched at one end.
      startMs: Math.floor(fromMs + (index + random.next()) * gapMs),
      durationMs: random.int(FAILED_RUN_MS.min, FAILED_RUN_MS.max),
      failure: [error, `${culprit.name}: ${cause}`] as const,
    }));
    return { culprit, runs, alarm: alarmOf(runs, plan.recoveryMs) };
  });
}

function alarmOf(runs: readonly FailedRun[], recoveryMs: number): PlannedOutage['alarm'] {
  const [first] = runs;
  if (first === undefined) return undefined;
  const lastStopMs = Math.max(...runs.map((run) => run.startMs + run.durationMs));
  const atMs = first.startMs + first.durationMs + ALARM_DELAY_MS;
  // However short the recovery asked for, the alarm stays in ALARM for at least a period.
  return { atMs, okAtMs: Math.max(lastStopMs + recoveryMs, atMs + MINUTE) };
}

function* busyEvents(options: BusyOptions): Generator<GeneratedEvent> {
  const plan = resolve(options);
  const { machine } = plan;
  const random = new Random(plan.seed);
  const queue = new TimeOrderedQueue(random);
  emitSetUp(queue, machine, plan.startMs - 30 * MINUTE, random);
  const outages = planOutages(plan, random);
  for (const { culprit, alarm } of outages) {
    if (alarm !== undefined) emitFunctionOutageAlarms(queue, machine, culprit, alarm.atMs, alarm.okAtMs);
  }
  const failedRuns = outages.flatMap((outage) => outage.runs);

  const intervalMs = SECOND / plan.rate;
  const healthyRuns = Math.floor((plan.durationMs / SECOND) * plan.rate);
  const healthyStart = (index: number) =>
    // Jitter within the run's own interval keeps the starts in order.
    Math.floor(plan.startMs + (index + random.next() * 0.8) * intervalMs);
  const run = (name: string, startMs: number, options: Omit<RunOptions, 'dropRunning' | 'startCall'>) =>
    emitRun(queue, machine, name, startMs, { ...options, dropRunning: false, startCall: false }, random);

  let healthy = 0;
  let nextHealthyMs = healthyRuns > 0 ? healthyStart(0) : Number.POSITIVE_INFINITY;
  let failed = 0;
  while (healthy < healthyRuns || failed < failedRuns.length) {
    const failedRun = failedRuns[failed];
    if (failedRun !== undefined && failedRun.startMs < nextHealthyMs) {
      // Everything before this start is final: nothing emitted from here on is earlier.
      yield* queue.takeBefore(failedRun.startMs);
      run(failedRun.name, failedRun.startMs, {
        terminal: 'FAILED',
        durationMs: failedRun.durationMs,
        secrets: false,
        failure: failedRun.failure,
      });
      failed += 1;
      continue;
    }
    yield* queue.takeBefore(nextHealthyMs);
    healthy += 1;
    run(`run-${healthy}`, nextHealthyMs, {
      terminal: 'SUCCEEDED',
      durationMs: random.int(RUN_MS.min, RUN_MS.max),
      secrets: false,
    });
    nextHealthyMs = healthy < healthyRuns ? healthyStart(healthy) : Number.POSITIVE_INFINITY;
  }
  yield* queue.takeBefore();
}

/** What a busy workload is made of, known before a single event is generated. */
export interface BusyShape {
  readonly stateMachineArn: string;
  readonly outages: number;
  readonly healthyRuns: number;
  readonly failedRuns: number;
  /** All events: set-up, two per run, the outages' alarm transitions. */
  readonly events: number;
}

export function busyShape(options: BusyOptions): BusyShape {
  const plan = resolve(options);
  const healthyRuns = Math.floor((plan.durationMs / SECOND) * plan.rate);
  const failedRuns = plan.outages * plan.failuresPerOutage;
  const transitionsPerOutage =
    plan.failuresPerOutage > 0 ? (plan.machine.composite === undefined ? 2 : 4) : 0;
  return {
    stateMachineArn: plan.machine.arn,
    outages: plan.outages,
    healthyRuns,
    failedRuns,
    events:
      setUpEventCount(plan.machine) + 2 * (healthyRuns + failedRuns) + plan.outages * transitionsPerOutage,
  };
}

/** The busy workload as it is read: each iteration generates it again from the seed. */
export function busyStream(options: BusyOptions): GeneratedStream {
  const { machine } = resolve(options);
  return { stateMachineArns: [machine.arn], events: { [Symbol.iterator]: () => busyEvents(options) } };
}

/** The busy workload held whole (a day at 2/s is ~350k events: prefer `busyStream` for that). */
export function generateBusy(options: BusyOptions): GeneratedMix {
  return collectStream(busyStream(options));
}
