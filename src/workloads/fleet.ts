/**
 * The fleet profile: hundreds of state machines (300 by default), each set up first (definition,
 * alarms) and then running healthy traffic side by side, so every 500-record batch touches
 * hundreds of scopes; and optionally one outage many of them share at about the same time, as when
 * a dependency they all call goes down: each failing state machine gets its FAILED runs and its
 * culprit function's Errors alarm goes ALARM, then OK.
 *
 * Generated as it is read (see GeneratedStream): only the runs in flight are held.
 */

import {
  emitFunctionOutageAlarms,
  emitRun,
  emitSetUp,
  type RunOptions,
  setUpEventCount,
} from './emitters.ts';
import { collectStream, type GeneratedEvent, type GeneratedMix, type GeneratedStream } from './generated.ts';
import { MinHeap } from './min-heap.ts';
import { nonNegativeNumber, positiveNumber, wholeNumber } from './option-checks.ts';
import { Random } from './random.ts';
import {
  DEFAULT_START_MS,
  DOMAINS,
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

export interface FleetOptions {
  readonly seed: number;
  /** State machines in the fleet (default 300). */
  readonly stateMachines?: number;
  /** Event time the traffic lasts (default 1 h). */
  readonly durationMs?: number;
  /** Each state machine starts a run about this often, jittered ±50% (default 60 s). */
  readonly runIntervalMs?: number;
  readonly startMs?: number;
  /** State machines caught in the shared outage (default 40; 0 for none). */
  readonly failing?: number;
  /** FAILED runs of each failing state machine, on top of its healthy traffic (default 1). */
  readonly failuresPerMachine?: number;
  /** When the shared outage starts (default: the middle of the traffic). */
  readonly outageAtMs?: number;
  /** Every failing run starts within this much of `outageAtMs`: "about the same time" (default 30 s). */
  readonly outageSpreadMs?: number;
  /** Each culprit's Errors alarm goes back to OK this long after its machine's last failure (default 3 min). */
  readonly recoveryMs?: number;
}

export const FLEET_DEFAULTS = {
  stateMachines: 300,
  durationMs: HOUR,
  runIntervalMs: MINUTE,
  failing: 40,
  failuresPerMachine: 1,
  outageSpreadMs: 30 * SECOND,
  recoveryMs: 3 * MINUTE,
} as const;

const RUN_MS = { min: 400, max: 6_000 } as const;
const FAILED_RUN_MS = { min: 300, max: 3_000 } as const;
const ALARM_DELAY_MS = 30 * SECOND;
/** Set-up happens in the half hour before traffic, at most this far apart. */
const SET_UP_LEAD_MS = 30 * MINUTE;
const SET_UP_GAP_MS = 2 * SECOND;

interface ResolvedFleet {
  readonly seed: number;
  readonly stateMachines: number;
  readonly durationMs: number;
  readonly runIntervalMs: number;
  readonly startMs: number;
  readonly failing: number;
  readonly failuresPerMachine: number;
  readonly outageAtMs: number;
  readonly outageSpreadMs: number;
  readonly recoveryMs: number;
}

function resolve(options: FleetOptions): ResolvedFleet {
  const stateMachines = wholeNumber(
    'stateMachines',
    options.stateMachines ?? FLEET_DEFAULTS.stateMachines,
    1,
  );
  const durationMs = positiveNumber('durationMs', options.durationMs ?? FLEET_DEFAULTS.durationMs);
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const outageAtMs = options.outageAtMs ?? Math.floor(startMs + durationMs / 2);
  if (outageAtMs < startMs || outageAtMs >= startMs + durationMs) {
    throw new RangeError('outageAtMs must fall inside the traffic');
  }
  return {
    seed: options.seed,
    stateMachines,
    durationMs,
    runIntervalMs: wholeNumber('runIntervalMs', options.runIntervalMs ?? FLEET_DEFAULTS.runIntervalMs, 2),
    startMs,
    failing: wholeNumber('failing', options.failing ?? FLEET_DEFAULTS.failing, 0, stateMachines),
    failuresPerMachine: wholeNumber(
      'failuresPerMachine',
      options.failuresPerMachine ?? FLEET_DEFAULTS.failuresPerMachine,
      0,
    ),
    outageAtMs,
    outageSpreadMs: nonNegativeNumber(
      'outageSpreadMs',
      options.outageSpreadMs ?? FLEET_DEFAULTS.outageSpreadMs,
    ),
    recoveryMs: nonNegativeNumber('recoveryMs', options.recoveryMs ?? FLEET_DEFAULTS.recoveryMs),
  };
}

/** The fleet's machines, the same for a seed however often they are drawn. */
function machinesOf(plan: ResolvedFleet, random: Random): Machine[] {
  return Array.from({ length: plan.stateMachines }, (_, index) =>
    describeMachine({
      index,
      name: `${DOMAINS[index % DOMAINS.length] ?? 'flow'}-${index}`,
      verbs: random.shuffle(VERBS).slice(0, random.int(2, 4)),
      composite: random.chance(0.5),
    }),
  );
}

interface FailedRun {
  readonly machine: Machine;
  readonly name: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly failure: readonly [string, string];
}

interface FailingMachine {
  readonly machine: Machine;
  readonly culprit: FunctionInfo;
  readonly runs: readonly FailedRun[];
}

function planOutage(plan: ResolvedFleet, machines: readonly Machine[], random: Random): FailingMachine[] {
  if (plan.failing === 0 || plan.failuresPerMachine === 0) return [];
  // One dependency going down for all of them: the same error everywhere, a different culprit each.
  const [error, cause] = random.pick(ERRORS);
  const chosen = random
    .shuffle(machines)
    .slice(0, plan.failing)
    .sort((a, b) => a.index - b.index);
  return chosen.map((machine) => {
    const culprit = random.pick(machine.functions);
    const runs = Array.from({ length: plan.failuresPerMachine }, (_, index) => ({
      machine,
      name: `run-${machine.index}-failed-${index + 1}`,
      startMs: plan.outageAtMs + Math.floor(random.next() * plan.outageSpreadMs),
      durationMs: random.int(FAILED_RUN_MS.min, FAILED_RUN_MS.max),
      failure: [error, `${culprit.name}: ${cause}`] as const,
    }));
    return { machine, culprit, runs };
  });
}

interface NextRun {
  readonly machine: Machine;
  readonly startMs: number;
  /** Runs of this machine so far, this one included: names it. */
  readonly number: number;
}

function* fleetEvents(options: FleetOptions): Generator<GeneratedEvent> {
  const plan = resolve(options);
  const random = new Random(plan.seed);
  const machines = machinesOf(plan, random);
  const queue = new TimeOrderedQueue(random);
  const setUpGapMs = Math.min(SET_UP_GAP_MS, Math.floor((SET_UP_LEAD_MS - MINUTE) / machines.length));
  for (const machine of machines) {
    emitSetUp(queue, machine, plan.startMs - SET_UP_LEAD_MS + machine.index * setUpGapMs, random);
  }

  const failing = planOutage(plan, machines, random);
  for (const { machine, culprit, runs } of failing) {
    const firstStopMs = Math.min(...runs.map((run) => run.startMs + run.durationMs));
    const lastStopMs = Math.max(...runs.map((run) => run.startMs + run.durationMs));
    const alarmAtMs = firstStopMs + ALARM_DELAY_MS;
    emitFunctionOutageAlarms(
      queue,
      machine,
      culprit,
      alarmAtMs,
      Math.max(lastStopMs + plan.recoveryMs, alarmAtMs + MINUTE),
    );
  }
  const failedRuns = failing
    .flatMap((entry) => entry.runs)
    .sort((a, b) => a.startMs - b.startMs || a.machine.index - b.machine.index);

  const endMs = plan.startMs + plan.durationMs;
  const interval = plan.runIntervalMs;
  // Which machine starts a run next: one entry per machine, so the schedule stays fleet-sized.
  const schedule = new MinHeap<NextRun>(
    (a, b) => a.startMs < b.startMs || (a.startMs === b.startMs && a.machine.index < b.machine.index),
  );
  for (const machine of machines) {
    schedule.push({ machine, startMs: plan.startMs + random.int(0, interval - 1), number: 1 });
  }
  const run = (
    machine: Machine,
    name: string,
    startMs: number,
    rest: Omit<RunOptions, 'dropRunning' | 'startCall'>,
  ) => emitRun(queue, machine, name, startMs, { ...rest, dropRunning: false, startCall: false }, random);

  let failed = 0;
  for (;;) {
    const next = schedule.peek();
    const nextHealthyMs =
      next !== undefined && next.startMs < endMs ? next.startMs : Number.POSITIVE_INFINITY;
    const failedRun = failedRuns[failed];
    if (failedRun === undefined && nextHealthyMs === Number.POSITIVE_INFINITY) break;
    if (failedRun !== undefined && failedRun.startMs < nextHealthyMs) {
      // Everything before this start is final: nothing emitted from here on is earlier.
      yield* queue.takeBefore(failedRun.startMs);
      run(failedRun.machine, failedRun.name, failedRun.startMs, {
        terminal: 'FAILED',
        durationMs: failedRun.durationMs,
        secrets: false,
        failure: failedRun.failure,
      });
      failed += 1;
      continue;
    }
    if (next === undefined) break;
    schedule.pop();
    yield* queue.takeBefore(next.startMs);
    run(next.machine, `run-${next.machine.index}-${next.number}`, next.startMs, {
      terminal: 'SUCCEEDED',
      durationMs: random.int(RUN_MS.min, RUN_MS.max),
      secrets: false,
    });
    schedule.push({
      machine: next.machine,
      startMs: next.startMs + random.int(interval / 2, interval * 1.5),
      number: next.number + 1,
    });
  }
  yield* queue.takeBefore();
}

/** The fleet workload as it is read: each iteration generates it again from the seed. */
export function fleetStream(options: FleetOptions): GeneratedStream {
  const plan = resolve(options);
  const machines = machinesOf(plan, new Random(plan.seed));
  return {
    stateMachineArns: machines.map((machine) => machine.arn),
    events: { [Symbol.iterator]: () => fleetEvents(options) },
  };
}

/** Set-up events of the whole fleet: what every state machine sends before its first run. */
export function fleetSetUpEvents(options: FleetOptions): number {
  const plan = resolve(options);
  return machinesOf(plan, new Random(plan.seed)).reduce((sum, machine) => sum + setUpEventCount(machine), 0);
}

export function generateFleet(options: FleetOptions): GeneratedMix {
  return collectStream(fleetStream(options));
}
